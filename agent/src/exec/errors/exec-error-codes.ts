import { ERROR_CODES, type ErrorCode, type ErrorSpec } from '@omega/protocol';

/** A stable executor error code such as `OMEGA_ERR_EXEC_NOT_FOUND`. */
export type ExecErrorCode = Extract<ErrorCode, `OMEGA_ERR_EXEC_${string}`>;

/** One code's spec: HTTP status, title and what to do next. */
export type ExecErrorSpec = ErrorSpec;

/**
 * The executor's codes: the `OMEGA_ERR_EXEC_*` part of @omega/protocol's one error catalogue
 * (docs/errors.md lists them all; docs/agent-executor.md these).
 */
export const EXEC_ERROR_CODES = Object.fromEntries(
  Object.entries(ERROR_CODES).filter(([code]) => code.startsWith('OMEGA_ERR_EXEC_')),
) as { readonly [C in ExecErrorCode]: ErrorSpec };
