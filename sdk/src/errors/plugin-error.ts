import type { ErrorCode as KernelErrorCode } from '@omega/protocol';

/** An error code: one of the kernel's (docs/errors.md) or the plugin's own `UPPER_SNAKE` code. */
export type ErrorCode = KernelErrorCode | (string & {});

/** A coded error as it crosses the sandbox boundary: only `code`, `message` and `extras` survive. */
export interface PluginError extends Error {
  code: ErrorCode;
  extras?: Record<string, unknown>;
}

/**
 * Makes a coded error to throw from a service or hook: the caller (another plugin, or the
 * kernel) sees `{ code, message }`. Codes are at most 64 characters.
 */
export function pluginError(code: ErrorCode, message: string, extras?: Record<string, unknown>): PluginError {
  const e = new Error(message) as PluginError;
  e.code = code;
  if (extras !== undefined) e.extras = extras;
  return e;
}
