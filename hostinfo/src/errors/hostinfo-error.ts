/**
 * The codes @omega/hostinfo throws, each with what to do next. A reader that cannot find an
 * optional source reports it as absent (see `Detected`), it does not throw; these codes are for
 * sources a caller asked for and that are there but unreadable or malformed.
 */
export const HOSTINFO_ERROR_CODES = {
  HOSTINFO_ERR_READ:
    'Check that /proc and /sys are mounted and readable by this process (or the root given).',
  HOSTINFO_ERR_PARSE:
    'The file or command output does not have the documented format; report the kernel or tool version.',
} as const;

/** One of {@link HOSTINFO_ERROR_CODES}. */
export type HostinfoErrorCode = keyof typeof HOSTINFO_ERROR_CODES;

/**
 * The one error type @omega/hostinfo throws on purpose. Check it by `code` (errors cross process
 * boundaries as data); `source` names the file or command that failed.
 */
export class HostinfoError extends Error {
  readonly code: HostinfoErrorCode;
  readonly source: string;

  constructor(code: HostinfoErrorCode, message: string, source: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HostinfoError';
    this.code = code;
    this.source = source;
  }
}

/** Shorthand: `throw hostinfoError('HOSTINFO_ERR_PARSE', 'No "cpu" line.', '/proc/stat')`. */
export function hostinfoError(code: HostinfoErrorCode, message: string, source: string): HostinfoError {
  return new HostinfoError(code, message, source);
}

/** True when `value` carries a hostinfo error code (works on deserialised errors too). */
export function isHostinfoError(
  value: unknown,
  code?: HostinfoErrorCode,
): value is { code: HostinfoErrorCode; message: string; source?: string } {
  if (typeof value !== 'object' || value === null) return false;
  const c = (value as { code?: unknown }).code;
  if (typeof c !== 'string' || !Object.hasOwn(HOSTINFO_ERROR_CODES, c)) return false;
  return code === undefined || c === code;
}
