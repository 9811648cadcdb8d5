import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths pino censors wherever they appear in a log record. Secrets never reach logs:
 * tokens, passwords and keys are replaced before the line is written.
 */
export const REDACTED_PATHS = [
  'authorization',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'token',
  'password',
  'secret',
  'adminToken',
  '*.token',
  '*.password',
  '*.secret',
  '*.adminToken',
  '*.privateKey',
  '*.key',
];

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  level?: string;
  /** Where lines go; stdout when omitted. */
  destination?: DestinationStream;
}

/** The kernel's structured JSON logger (one line per record, secrets redacted). */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { svc: 'omega' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
