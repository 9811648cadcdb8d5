import type { Logger } from 'pino';

/** Exit code of a process ended by an error nothing handled. */
export const EXIT_FATAL = 1;

/**
 * Makes an uncaught exception or unhandled rejection end the process the way an operator can
 * follow: one `fatal` line with the error in the log, one line on stderr saying so, and exit
 * code 1. Exiting writes out every log line still buffered (the destination flushes
 * synchronously on exit), so the lines before the crash are not lost. Returns the undo.
 */
export function exitOnFatal(
  logger: Logger,
  opts: { exit?: (code: number) => void; stderr?: (line: string) => void } = {},
): () => void {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const stderr = opts.stderr ?? ((line: string) => process.stderr.write(line));
  let ending = false;
  const fatal = (kind: string) => (err: unknown) => {
    if (ending) return;
    ending = true;
    try {
      logger.fatal({ err }, `${kind}: the kernel stops`);
    } finally {
      const message = err instanceof Error ? err.message : String(err);
      stderr(`omega: fatal ${kind}: ${message.split('\n')[0]?.slice(0, 300)} (details in the log)\n`);
      exit(EXIT_FATAL);
    }
  };
  const onException = fatal('uncaught exception');
  const onRejection = fatal('unhandled rejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}
