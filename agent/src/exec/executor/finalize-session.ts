import { pollUntil } from '../cgroup/session-cgroup.js';
import { unmountQuota } from '../quota/work-dir-quota.js';
import { readExitRecord, writeExitRecord } from '../supervisor/exit-record.js';
import { decideOutcome, toSessionExit } from './decide-outcome.js';
import { type ExecutorContext, setPhase } from './executor-context.js';
import type { SessionRuntime } from './session-runtime.js';
import { exitRecorded } from './supervisor-alive.js';
import { toSessionUsage } from './to-session-usage.js';

/** How long one attempt waits for a session's cgroup to empty before it retries on the next tick. */
const EMPTY_WAIT_MS = 30_000;

/**
 * Ends a session whose main process exited (or whose supervisor vanished): kills whatever is
 * left, and only once the cgroup (or process tree) is empty reads the final usage, removes the
 * cgroup, the quota mount and the uid, and publishes the terminal state. Runs once; a session
 * that will not empty stays `stopping` and is retried.
 */
export function finalizeSession(ctx: ExecutorContext, rt: SessionRuntime): Promise<void> {
  if (rt.phase === 'ended') return Promise.resolve();
  if (rt.finalizing) return rt.finalizing;
  rt.finalizing = (async () => {
    let exit = await readExitRecord(rt.dir);
    if (!exit && rt.record.supervisor === 'direct') {
      // spawned directly by this process: its exit handler may be about to write the record
      await pollUntil(() => exitRecorded(rt), 1_000, 10);
      exit = await readExitRecord(rt.dir);
    }
    if (!exit) {
      await writeExitRecord(rt.dir, {
        status: 'unknown',
        mainPid: rt.record.status.pid ?? 0,
        endedAtMs: Date.now(),
      });
      exit = await readExitRecord(rt.dir);
    }
    if (!(await rt.container.killUntilEmpty(EMPTY_WAIT_MS))) {
      ctx.logger.error(
        { session: rt.id, pids: await rt.container.pids() },
        'session processes survive SIGKILL; retrying',
      );
      if (rt.phase !== 'stopping')
        await setPhase(ctx, rt, 'stopping', 'cleanup-pending', 'waiting for the session’s processes to die');
      rt.finalizing = null;
      return;
    }
    const counters = await rt.container.usage().catch(() => null);
    const usage = counters
      ? toSessionUsage(counters, rt.record.cgroup ? 'cgroup' : 'proc')
      : rt.record.status.usage;
    const decided = decideOutcome(
      exit,
      counters?.oomKills ?? 0,
      rt.record.terminate,
      usage?.memoryPeakBytes ?? null,
    );
    await rt.container.remove();
    if (rt.record.quota) await unmountQuota(rt.record.quota);
    if (rt.record.uidAllocated) ctx.allocator?.release(rt.record.status.uid);
    Object.assign(rt.record.status, {
      outcome: decided.outcome,
      exit: toSessionExit(exit),
      usage,
      endedAt: new Date(exit?.endedAtMs ?? Date.now()).toISOString(),
    });
    await setPhase(ctx, rt, 'ended', decided.reason, decided.message);
    rt.settle();
  })().catch((err) => {
    ctx.logger.error(
      { session: rt.id, err: (err as Error).stack ?? String(err) },
      'ending the session failed; retrying',
    );
    rt.finalizing = null;
  });
  return rt.finalizing;
}
