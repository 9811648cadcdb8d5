import type { ServerResponse } from 'node:http';
import { AGENT_ERROR_CODES, type AgentErrorCode } from '../errors/index.js';

/** Common codes the listener answers besides its own (shapes as in docs/errors.md). */
const COMMON = {
  OMEGA_ERR_NOT_FOUND: { status: 404, title: 'Not found' },
  OMEGA_ERR_METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  OMEGA_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  OMEGA_ERR_PAYLOAD_TOO_LARGE: { status: 413, title: 'Request body too large' },
  OMEGA_ERR_BAD_JSON: { status: 400, title: 'Malformed JSON body' },
} as const;

/** A code the approval listener answers with. */
export type ListenerCode = AgentErrorCode | keyof typeof COMMON;

/** Writes an RFC 9457 problem+json answer, like the kernel's API does. */
export function sendProblem(
  res: ServerResponse,
  code: ListenerCode,
  detail: string,
  extras: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): void {
  const spec =
    code in COMMON ? COMMON[code as keyof typeof COMMON] : AGENT_ERROR_CODES[code as AgentErrorCode];
  const body = JSON.stringify({
    type: `urn:omega:error:${code}`,
    title: spec.title,
    status: spec.status,
    detail,
    code,
    ...extras,
  });
  res.writeHead(spec.status, {
    'content-type': 'application/problem+json',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(body);
}
