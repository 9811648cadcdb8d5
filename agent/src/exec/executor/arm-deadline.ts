import type { ExecutorContext } from './executor-context.js';
import type { SessionRuntime } from './session-runtime.js';
import { terminateSession } from './terminate-session.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Ends the session as `timed-out` at its deadline (longer waits are caught by the 1 s tick). */
export function armDeadline(ctx: ExecutorContext, rt: SessionRuntime): void {
  if (rt.deadlineTimer) clearTimeout(rt.deadlineTimer);
  rt.deadlineTimer = null;
  const deadline = rt.record.deadlineMs;
  if (deadline === null || rt.phase !== 'running') return;
  const delay = Math.max(0, deadline - Date.now());
  if (delay > MAX_TIMER_MS) return;
  rt.deadlineTimer = setTimeout(() => void timeOut(ctx, rt), delay);
  rt.deadlineTimer.unref();
}

/** Ends the session for its time limit (no-op unless it is running past its deadline). */
export function timeOut(ctx: ExecutorContext, rt: SessionRuntime): Promise<unknown> {
  const r = rt.record;
  if (rt.phase !== 'running' || r.deadlineMs === null || Date.now() < r.deadlineMs || r.terminate)
    return Promise.resolve();
  const limit = r.spec.timeLimitSec;
  return terminateSession(ctx, rt, {
    outcome: 'timed-out',
    message: `time limit of ${limit} s reached`,
    graceMs: r.spec.killGraceMs,
  }).catch((err) =>
    ctx.logger.error({ session: rt.id, err: (err as Error).message }, 'time-limit termination failed'),
  );
}
