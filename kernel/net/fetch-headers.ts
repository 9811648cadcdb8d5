import type { IncomingHttpHeaders } from 'node:http';

/** Hop-by-hop and framing headers: meaningful for one connection only, never passed along. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
]);

/** Request headers the kernel sets itself (a plugin's value would be wrong or dangerous). */
const KERNEL_SET = new Set(['host', 'accept-encoding', 'expect']);

/** Headers a cross-origin redirect must not carry to the new origin. */
export const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

/** A plugin's request headers, lowercased, without hop-by-hop, framing or kernel-set ones. */
export function requestHeaders(input: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(input ?? {})) {
    const key = name.toLowerCase();
    if (HOP_BY_HOP.has(key) || KERNEL_SET.has(key)) continue;
    out[key] = String(value);
  }
  return out;
}

/**
 * Response headers as plain strings, without hop-by-hop and framing headers (nor those the
 * `Connection` header names); `content-encoding` goes too when the body was decoded.
 */
export function responseHeaders(headers: IncomingHttpHeaders, decoded: boolean): Record<string, string> {
  const drop = new Set(HOP_BY_HOP);
  for (const token of String(headers.connection ?? '').split(',')) drop.add(token.trim().toLowerCase());
  if (decoded) drop.add('content-encoding');
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || drop.has(name)) continue;
    out[name] = Array.isArray(value) ? value.join(name === 'set-cookie' ? '\n' : ', ') : value;
  }
  return out;
}
