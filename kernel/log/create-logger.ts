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

/** Bytes of log lines held for a destination that is slower than the kernel, by default. */
export const DEFAULT_LOG_BUFFER_BYTES = 16 * 1024 * 1024;

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  level?: string;
  /** Where lines go; stdout (asynchronous, see {@link createLogger}) when omitted. */
  destination?: DestinationStream;
  /** Without `destination`: a file descriptor or path instead of stdout (fd 1). */
  dest?: number | string;
  /** Without `destination`: most bytes held while the destination is slow (default 16 MiB). */
  maxBufferBytes?: number;
}

/**
 * The kernel's structured JSON logger (one line per record, secrets redacted). By default it
 * writes to stdout asynchronously (pino's SonicBoom destination): a log call formats its line
 * and returns; the write happens off the call, so a slow or stalled reader of stdout never
 * blocks the event loop. What waits is bounded by `maxBufferBytes`: past it, lines are dropped
 * and counted, and once the destination has caught up a `warn` line says how many. Buffered
 * lines are written synchronously when the process exits (normally, on a signal handled by the
 * CLI, or after {@link exitOnFatal}).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  let stream = options.destination;
  let dropped = 0;
  if (!stream) {
    const boom = pino.destination({
      dest: options.dest ?? 1,
      sync: false,
      maxLength: options.maxBufferBytes ?? DEFAULT_LOG_BUFFER_BYTES,
    });
    boom.on('drop', () => {
      dropped++;
    });
    boom.on('drain', () => {
      if (dropped === 0) return;
      const count = dropped;
      dropped = 0;
      logger.warn({ dropped: count }, 'log lines dropped: the log destination was slower than the kernel');
    });
    stream = boom;
  }
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: { svc: 'omega' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
  return logger;
}
