/**
 * WebRTC's way out of a panel (issue #19). CSP's `connect-src` does not cover STUN/TURN, the
 * opaque-origin sandbox does not stop `RTCPeerConnection`, and Chromium (156) ignores CSP's
 * `webrtc 'block'` ("unrecognized directive"), so a panel could send data to any host in a TURN
 * username or a STUN request. The kernel closes it in the panel's own page: every panel HTML page
 * is served with this guard as its first script, which takes every WebRTC constructor away
 * (non-configurable: the panel cannot put them back) and refuses to create child frames, the only
 * place fresh constructors could come from. The panel's CSP closes the other ways to make a frame
 * (HTML parsing sinks need Trusted Types, and `trusted-types 'none'` allows none), and the kernel
 * refuses panel pages that carry frame markup of their own (`hasFrameMarkup`).
 *
 * It also vouches for the page: the shell frames each panel with a fresh random nonce in the
 * URL's fragment (`#omega-frame=<nonce>`: never sent to a server, never in a listing) and posts
 * the panel's MessagePort only after a hello carrying that nonce came from the frame. The guard
 * takes the nonce out of the URL before any panel script runs and says hello when its own page
 * has loaded. A panel that navigates its frame to another plugin's panel before its first load
 * leaves a page that cannot know the nonce: it gets no port, and the shell stops the frame (one
 * that navigates later is stopped at the frame's second load).
 */
export const PANEL_GUARD_JS = `(() => {
  'use strict';
  const refuse = (what) => () => { throw new DOMException(what + ' is not available to an Omega panel', 'SecurityError'); };
  for (const name of Object.getOwnPropertyNames(globalThis)) {
    if (!/^(webkit)?RTC/.test(name)) continue;
    Object.defineProperty(globalThis, name, { get: refuse(name), set: refuse(name), configurable: false });
  }
  const FRAMES = /^(iframe|frame|frameset|object|embed|fencedframe|portal)$/i;
  const make = Document.prototype.createElement;
  const makeNs = Document.prototype.createElementNS;
  Object.defineProperty(Document.prototype, 'createElement', {
    value: function createElement(name, opts) {
      if (FRAMES.test(String(name))) refuse('A child frame')();
      return make.call(this, name, opts);
    },
    writable: false,
    configurable: false,
  });
  Object.defineProperty(Document.prototype, 'createElementNS', {
    value: function createElementNS(ns, name, opts) {
      if (FRAMES.test(String(name).split(':').pop())) refuse('A child frame')();
      return makeNs.call(this, ns, name, opts);
    },
    writable: false,
    configurable: false,
  });
  Object.defineProperty(globalThis, 'XSLTProcessor', { get: refuse('XSLTProcessor'), configurable: false });
  const frame = new URLSearchParams(location.hash.slice(1)).get('omega-frame');
  if (frame && parent !== window) {
    try { history.replaceState(history.state, '', location.pathname + location.search); } catch { location.replace('#'); }
    const shell = parent;
    addEventListener('load', () => shell.postMessage({ type: 'omega.panel.hello', frame }, '*'), { capture: true, once: true });
  }
})();
`;

/** The message the guard posts to the shell: `{ type, frame }`, `frame` the nonce of the panel's URL fragment. */
export const PANEL_HELLO = 'omega.panel.hello';

/** The guard's name under the panel folder: a dot-file, so no plugin file can take it. */
export const PANEL_GUARD_NAME = '.omega-panel-guard.js';

/** True when `html` carries markup that makes a child browsing context (refused in a panel page). */
export function hasFrameMarkup(html: string): boolean {
  return /<\s*(iframe|frame|frameset|object|embed|fencedframe|portal)\b/i.test(html);
}

/** `html` with `<script src="{src}"></script>` as its first script: right after the doctype, or first. */
export function withPanelGuard(html: string, src: string): string {
  const tag = `<script src="${src}"></script>`;
  const doctype = /^\s*<!doctype[^>]*>/i.exec(html);
  return doctype ? `${doctype[0]}${tag}${html.slice(doctype[0].length)}` : `${tag}${html}`;
}
