import type { UiAsset } from '../plugins/ui/index.js';

/**
 * The Content-Security-Policy of a plugin's UI on the kernel's origin: scripts, styles, fonts,
 * workers and the manifest from that origin only (no inline script or style, no eval), images
 * also as data: URLs, fetch/XHR/WebSocket to the same host (CSP Level 3's 'self' covers ws: and
 * wss: of the same host and port), frames only from panel origins (`*.localhost` on the kernel's
 * port), never framed itself, no <base>, no form posts. `frameSrc` is that panel source.
 */
export function shellCsp(frameSrc = "'none'"): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "worker-src 'self'",
    `frame-src ${frameSrc}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * The Content-Security-Policy of a panel (issue #19), on its own origin: its own scripts, styles,
 * images and fonts; no connection of any kind (`connect-src 'none'`: no fetch, XHR, WebSocket,
 * EventSource or beacon), no workers, frames, forms or <base>; a sandbox with scripts only, so the
 * document has an opaque origin even when opened outside its iframe (no cookies, no storage);
 * framed only by the kernel's UI (`ancestors`). WebRTC: `webrtc 'block'` where the browser knows it
 * (Chromium 156 does not), and in every browser the kernel's guard script (plugins/ui/panel-guard.ts),
 * which Trusted Types with no policy (`trusted-types 'none'`: no HTML parsing from strings, so no
 * frame made that way) backs up.
 */
export function panelCsp(ancestors: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'none'",
    "worker-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
    `frame-ancestors ${ancestors}`,
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
    "webrtc 'block'",
    'sandbox allow-scripts',
  ].join('; ');
}

/**
 * The CSP of a plugin's own pages on the kernel reached at `url`: the shell policy (its panels are
 * framed from `frameSrc`: by default `*.localhost` on the same port; the kernel passes its
 * configured panel origin's for a shell reached at a public name, see plugins/ui/panel-origins.ts). Only the shell plugin's pages run with the kernel's
 * origin; any other plugin's pages (`sandboxed`) also get `sandbox allow-scripts allow-forms
 * allow-popups allow-downloads`: an opaque origin, so they can read neither the dashboard's
 * tokens and storage nor its windows, and reach the API only as any other site would (no CORS).
 */
export function shellCspFor(url: URL, sandboxed = false, frameSrc?: string): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const csp = shellCsp(frameSrc ?? `${url.protocol}//*.localhost:${port}`);
  return sandboxed ? `${csp}; sandbox allow-scripts allow-forms allow-popups allow-downloads` : csp;
}

/** Cache-Control of a UI file whose name carries its content hash. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The response headers of a UI file with policy `csp` (the kernel adds X-Content-Type-Options:
 * nosniff and the request id). A sandboxed page has an opaque origin, so its own scripts and
 * styles are cross-origin loads to it: `sandboxed` files are served CORP cross-origin.
 */
export function uiHeaders(asset: UiAsset, csp: string, sandboxed = false): Record<string, string> {
  return {
    'content-type': asset.type,
    'content-security-policy': csp,
    'cache-control': asset.immutable ? IMMUTABLE : 'no-cache',
    etag: asset.etag,
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': sandboxed ? 'cross-origin' : 'same-origin',
    'x-frame-options': 'DENY',
  };
}

/**
 * The headers of a panel file: the panel CSP; CORP cross-origin and `Access-Control-Allow-Origin:
 * *` (the panel's document has an opaque origin, so its module scripts are cross-origin requests);
 * no X-Frame-Options (frame-ancestors decides).
 */
export function panelHeaders(asset: UiAsset, ancestors: string): Record<string, string> {
  return {
    'content-type': asset.type,
    'content-security-policy': panelCsp(ancestors),
    'cache-control': asset.immutable ? IMMUTABLE : 'no-cache',
    etag: asset.etag,
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'cross-origin',
    'access-control-allow-origin': '*',
  };
}
