import type { UiAsset } from '../plugins/ui/index.js';

/**
 * The Content-Security-Policy of every plugin UI file: scripts, styles, fonts, workers and the
 * manifest from the kernel's own origin only (no inline script or style, no eval), images also
 * as data: URLs, fetch/XHR/WebSocket to the same host (CSP Level 3's 'self' covers ws: and wss:
 * of the same host and port), no frames in or out, no <base>, no form posts.
 */
export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Cache-Control of a UI file whose name carries its content hash. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The response headers of a UI file (the kernel adds X-Content-Type-Options: nosniff and the request id). */
export function uiHeaders(asset: UiAsset): Record<string, string> {
  return {
    'content-type': asset.type,
    'content-security-policy': UI_CSP,
    'cache-control': asset.immutable ? IMMUTABLE : 'no-cache',
    etag: asset.etag,
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'x-frame-options': 'DENY',
  };
}
