import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecutorContext } from './executor-context.js';

/**
 * Waits until no start and no termination is under way, or `timeoutMs` passed: then logs (warn)
 * the ids still under way and returns. A start blocked before exec (its launcher silent) or a
 * termination that cannot empty its session would otherwise hold the agent's stop forever.
 */
export async function waitForPending(ctx: ExecutorContext, timeoutMs: number): Promise<void> {
  const ac = new AbortController();
  let timedOut = false;
  // One deadline for the whole wait (a sleep per pass would add an abort listener per pass).
  const deadline = sleep(timeoutMs, undefined, { signal: ac.signal }).then(
    () => {
      timedOut = true;
    },
    () => {},
  );
  try {
    while (ctx.starting.size > 0 || ctx.terminations.size > 0) {
      if (timedOut) {
        ctx.logger.warn(
          {
            starting: [...ctx.starting.keys()],
            terminating: [...new Set(ctx.terminations.values())],
            timeoutMs,
          },
          'closing the executor with starts or terminations still under way; not waiting longer',
        );
        return;
      }
      await Promise.race([
        Promise.allSettled([...ctx.starting.values(), ...ctx.terminations.keys()]),
        deadline,
      ]);
    }
  } finally {
    ac.abort();
  }
}
