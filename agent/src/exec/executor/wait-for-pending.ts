import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecutorContext } from './executor-context.js';

/**
 * Waits until no start and no termination is under way, or `timeoutMs` passed: then logs (warn)
 * the ids still under way and returns. A start blocked before exec (its launcher silent) or a
 * termination that cannot empty its session would otherwise hold the agent's stop forever.
 */
export async function waitForPending(ctx: ExecutorContext, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  const ac = new AbortController();
  try {
    while (ctx.starting.size > 0 || ctx.terminations.size > 0) {
      const left = until - Date.now();
      if (left <= 0) {
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
        sleep(left, undefined, { signal: ac.signal }).catch(() => {}),
      ]);
    }
  } finally {
    ac.abort();
  }
}
