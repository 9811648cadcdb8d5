import { AGENT_ERROR_CODES, type AgentErrorCode } from './agent-error-codes.js';

/** Extra JSON-safe fields of an agent error (`field`, `kernelCode`, …). */
export type AgentErrorExtras = Record<string, unknown>;

/** The error the agent throws on purpose; check it by `code` (see {@link hasAgentErrorCode}). */
export class AgentError extends Error {
  readonly code: AgentErrorCode;
  readonly status: number;
  readonly extras: AgentErrorExtras;

  constructor(
    code: AgentErrorCode,
    message: string,
    extras: AgentErrorExtras = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AgentError';
    this.code = code;
    this.status = AGENT_ERROR_CODES[code].status;
    this.extras = extras;
  }
}

/** Shorthand: `throw agentError('OMEGA_ERR_AGENT_CONFIG', 'server: …', { field: 'server' })`. */
export function agentError(code: AgentErrorCode, message: string, extras?: AgentErrorExtras): AgentError {
  return new AgentError(code, message, extras);
}

/** True when `value` carries an agent error code (works on plain objects too). */
export function hasAgentErrorCode(value: unknown, code?: AgentErrorCode): value is AgentError {
  if (typeof value !== 'object' || value === null) return false;
  const c = (value as { code?: unknown }).code;
  if (typeof c !== 'string' || !Object.hasOwn(AGENT_ERROR_CODES, c)) return false;
  return code === undefined || c === code;
}
