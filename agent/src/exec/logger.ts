/**
 * The structured logger the executor writes to: the subset of pino's API it uses, so the
 * agent passes its pino instance and the package needs no logging dependency of its own.
 * Records carry ids, paths and numbers; never a session's environment or arguments.
 */
export interface ExecLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that drops every record (the default when the caller passes none). */
export const silentLogger: ExecLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
