import { releaseRealtime } from './open-loop-realtime.js';

/** What a bench's exit hook puts back and stops. */
export interface ExitCleanup {
  /** Runs first (e.g. the variant of the row that was running put back); a throw is reported. */
  before?: () => void;
  /** The servers and kernels to SIGTERM, unless the bench said it stopped them itself. */
  pids: () => readonly number[];
}

/**
 * Makes a bench leave nothing behind however it ends — normally, on an uncaught error, or
 * stopped from outside (SIGINT, SIGTERM: a CI timeout), which exit through the same hook: first
 * `before`, then every real-time priority and budget undone (open-loop-realtime.ts), then each
 * process `pids` names sent SIGTERM (a kernel then stops its plugin hosts), so none is left
 * loading the machine. Call `stopped()` once the bench has stopped them itself.
 */
export function stopOnExit(cleanup: ExitCleanup): { stopped(): void } {
  let done = false;
  process.on('exit', () => {
    try {
      cleanup.before?.();
    } catch (err) {
      console.error(`bench: not undone: ${(err as Error).message}`);
    }
    for (const problem of releaseRealtime()) console.error(`bench: not undone: ${problem}`);
    if (done) return;
    for (const pid of cleanup.pids()) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {} // already gone
    }
  });
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)
    process.once(signal, () => process.exit(code));
  return {
    stopped: () => {
      done = true;
    },
  };
}
