import { ERROR_CODES } from '@omega/protocol';
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

/** A problem+json route response: `problem(404, 'OMEGA_ERR_NOT_FOUND', 'No such greeting.')`. */
export function problem(
  status: number,
  code: ErrorCode,
  detail: string,
  extras: Record<string, unknown> = {},
): PluginResponse<ProblemBody> {
  return {
    status,
    headers: { 'content-type': 'application/problem+json' },
    body: {
      ...extras,
      type: `urn:omega:error:${code}`,
      title: (ERROR_CODES as Record<string, { title: string }>)[code]?.title ?? code,
      status,
      code,
      detail,
    },
  };
}
