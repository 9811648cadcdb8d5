import { ERROR_CODES } from '@omega/protocol';
import { type ErrorCode, hasErrorCode, PROBLEM_CONTENT_TYPE, problemType } from '../../errors/index.js';
import { type Responder, respond } from '../../http/respond.js';
import type { PluginErrorData } from '../../sandbox/index.js';

/** A code a plugin may answer with: UPPER_SNAKE, 3–64 characters. */
const PLUGIN_CODE = /^[A-Z][A-Z0-9_]{2,63}$/;
/** Problem members only the kernel sets. */
const RESERVED = new Set(['type', 'title', 'status', 'detail', 'code', 'instance', 'requestId', 'plugin']);

/**
 * The client's answer to a route error the plugin chose to expose (sdk `httpError(status, code,
 * detail, extras)`): problem+json with the plugin's status (400–599), code, detail and extras,
 * plus `plugin` and `requestId` (and Retry-After from `extras.retryAfterSec`). Anything else a
 * plugin throws is not for clients: undefined.
 */
export function routeErrorResponse(
  plugin: string,
  err: unknown,
  requestId: string,
  input: Responder,
): Response | undefined {
  if (!hasErrorCode(err, 'OMEGA_ERR_PLUGIN_FAILED')) return undefined;
  const data = (err as { extras?: { pluginError?: PluginErrorData } }).extras?.pluginError;
  if (data?.status === undefined || !PLUGIN_CODE.test(data.code)) return undefined;
  const known = Object.hasOwn(ERROR_CODES, data.code) ? ERROR_CODES[data.code as ErrorCode] : undefined;
  const problem: Record<string, unknown> = {
    type: problemType(data.code as ErrorCode),
    title: known?.title ?? data.code,
    status: data.status,
    detail: data.message,
    code: data.code,
    plugin,
    requestId,
  };
  for (const [k, v] of Object.entries(data.extras ?? {})) if (!RESERVED.has(k)) problem[k] = v;
  // A 429 or 503 may say when to come back (extras.retryAfterSec).
  const retry = data.extras?.retryAfterSec;
  const headers: Record<string, string> = {
    'content-type': PROBLEM_CONTENT_TYPE,
    'cache-control': 'no-store',
  };
  if (typeof retry === 'number' && Number.isInteger(retry) && retry > 0 && retry <= 86_400)
    headers['retry-after'] = String(retry);
  return respond(input, JSON.stringify(problem), { status: data.status, headers });
}
