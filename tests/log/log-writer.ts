import { createLogger, exitOnFatal } from '../../kernel/log/index.js';

/**
 * A process that logs like the kernel does, for tests/log: `<mode> <lines> <maxBufferBytes>`.
 * Logs `lines` lines of ~300 bytes to stdout, then (in the next turn of its event loop, which
 * proves no log call blocked it) says `logged` on stderr. `stall`: then waits for stdin to
 * end and exits 0. `fatal`: then throws, with exitOnFatal installed.
 */
const [mode, lines, max] = process.argv.slice(2);
const logger = createLogger({ level: 'info', maxBufferBytes: Number(max) });
if (mode === 'fatal') exitOnFatal(logger);
const pad = 'x'.repeat(240);
for (let i = 0; i < Number(lines); i++) logger.info({ i, pad }, 'line');
setImmediate(() => {
  process.stderr.write('logged\n');
  if (mode === 'fatal') throw new Error('boom for the test');
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
});
