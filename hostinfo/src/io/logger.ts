/**
 * The logging this package does (a subset of pino's API, so a pino logger fits): structured
 * fields first, then the message. Never given secrets: only paths, counts and timings.
 */
export interface HostinfoLogger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}
