import { generateOpenLoop, type OpenLoopOptions } from './open-loop-generator.js';

/**
 * The open-loop generator's process (started by `openLoop` in http-open-loop.ts): argv[2] is
 * `{ url, opts }` as JSON; prints the result as one JSON line on stdout, or one line on stderr
 * and exit 1 on failure.
 */
try {
  const { url, opts } = JSON.parse(process.argv[2] ?? '') as { url: string; opts: OpenLoopOptions };
  const result = await generateOpenLoop(url, opts);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (err) {
  process.stderr.write(`open-loop generator: ${(err as Error).message}\n`);
  process.exitCode = 1;
}
// Sockets still open after a failed start (some connected, one refused) would keep the process
// alive; stdout to a pipe is written synchronously on Linux, so nothing printed is lost.
process.exit();
