import type { RouteResponse } from '@omega/protocol';
import { omegaError } from '../errors/index.js';

/** Headers a plugin may not set: hop-by-hop and framing are the kernel's (RFC 9110 §7.6.1). */
const DROPPED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'host',
]);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;
const BAD_VALUE = /[\r\n\0]/;

const failed = (detail: string): never => {
  throw omegaError('OMEGA_ERR_PLUGIN_FAILED', `The plugin returned a malformed response: ${detail}`);
};

/**
 * Checks a route handler's result (untrusted): status an integer 200–599 (1xx would break the connection), headers a flat
 * object of token names and string values without CR/LF/NUL (hop-by-hop and framing
 * headers dropped). Throws OMEGA_ERR_PLUGIN_FAILED (502) otherwise.
 */
export function validateRouteResponse(value: unknown): Required<Pick<RouteResponse, 'status' | 'headers'>> & {
  body: unknown;
} {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) failed('not an object');
  const v = value as Record<string, unknown>;
  const status = v.status;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) {
    failed('status must be an integer 200–599');
  }
  const headers: Record<string, string> = {};
  if (v.headers !== undefined) {
    if (v.headers === null || typeof v.headers !== 'object' || Array.isArray(v.headers))
      failed('headers must be an object');
    const entries = Object.entries(v.headers as Record<string, unknown>);
    if (entries.length > 100) failed('more than 100 headers');
    for (const [name, val] of entries) {
      if (!TOKEN.test(name)) failed('a header name is not a token');
      if (typeof val !== 'string' || val.length > 8192 || BAD_VALUE.test(val))
        failed(`header "${name}" has a bad value`);
      const lower = name.toLowerCase();
      if (!DROPPED.has(lower)) headers[lower] = val as string;
    }
  }
  return { status: status as number, headers, body: v.body };
}
