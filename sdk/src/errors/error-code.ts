import type { ErrorCode } from './plugin-error.js';

/** The `code` of a caught error (host-call failures are coded), or undefined. */
export function errorCode(err: unknown): string | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** True when `err` is a coded error (with code `code`, if given): errors are checked by code. */
export function isCodedError(err: unknown, code?: ErrorCode): err is Error & { code: string } {
  const c = errorCode(err);
  return c !== undefined && (code === undefined || c === code);
}
