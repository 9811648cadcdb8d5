import { ERROR_CODES, type ErrorCode, hasErrorCode } from '@omega/protocol';

/** An RFC 9457 problem document as Omega sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  requestId?: string;
  [extra: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The `type` URI of a code: stable, and documented in docs/errors.md. */
export function problemType(code: ErrorCode): string {
  return `urn:omega:error:${code}`;
}

/**
 * Turns anything thrown into a problem document. Unknown errors become
 * OMEGA_ERR_INTERNAL with a generic detail: no message or stack of a non-Omega error
 * ever reaches a client.
 */
export function toProblem(err: unknown, context: { instance?: string; requestId?: string } = {}): Problem {
  const reserved = new Set(['type', 'title', 'status', 'detail', 'code', 'instance', 'requestId']);
  if (hasErrorCode(err)) {
    const spec = ERROR_CODES[err.code];
    const extras = (err as { extras?: Record<string, unknown> }).extras ?? {};
    const problem: Problem = {
      type: problemType(err.code),
      title: spec.title,
      status: spec.status,
      detail: typeof err.message === 'string' && err.message ? err.message : spec.title,
      code: err.code,
      ...context,
    };
    for (const [k, v] of Object.entries(extras)) if (!reserved.has(k)) problem[k] = v;
    return problem;
  }
  const spec = ERROR_CODES.OMEGA_ERR_INTERNAL;
  return {
    type: problemType('OMEGA_ERR_INTERNAL'),
    title: spec.title,
    status: spec.status,
    detail: 'An unexpected error occurred.',
    code: 'OMEGA_ERR_INTERNAL',
    ...context,
  };
}
