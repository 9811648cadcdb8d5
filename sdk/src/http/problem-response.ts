import type { ErrorCode } from '../errors/plugin-error.js';
import type { PluginResponse } from './route-types.js';

/** An RFC 9457 problem body, as Omega's own errors look on the API. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  [extra: string]: unknown;
}

/**
 * `OMEGA_ERR_NOT_FOUND` → `Not found`, `NODE_HEALTH_ERR_NO_DATA` → `No data`: a stable title from
 * the code itself (the kernel puts its own title on its own codes).
 */
const titleOf = (code: string): string => {
  const words = code
    .replace(/^[A-Z0-9_]*?_ERR_/, '')
    .toLowerCase()
    .replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/**
 * A problem+json route response: `return problem(404, 'OMEGA_ERR_NOT_FOUND', 'No such greeting.')`.
 * Throwing {@link httpError} does the same from anywhere in a handler. Either way the kernel adds
 * the request's `instance` and `requestId`, and its own title for its own codes.
 */
export function problem(
  status: number,
  code: ErrorCode,
  detail: string,
  extras: Record<string, unknown> = {},
  title: string = titleOf(code),
): PluginResponse<ProblemBody> {
  return {
    status,
    headers: { 'content-type': 'application/problem+json' },
    body: { ...extras, type: `urn:omega:error:${code}`, title, status, code, detail },
  };
}
