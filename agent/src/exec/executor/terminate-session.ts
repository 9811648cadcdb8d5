import { pollUntil } from '../cgroup/session-cgroup.js';
import type { SessionStatus } from '../session-types.js';
import type { SessionRecord } from '../state/session-record.js';
import { type ExecutorContext, setPhase, trackTermination } from './executor-context.js';
import type { SessionRuntime } from './session-runtime.js';
import { signalAll } from './signal-all.js';
import { exitRecorded, supervisorAlive } from './supervisor-alive.js';

/** Why the executor ends a session on purpose. */
export type TerminateRequest = NonNullable<SessionRecord['terminate']>['outcome'];

const REASON: Record<TerminateRequest, string> = {
  terminated: 'terminate-requested',
  'timed-out': 'time-limit',
  'oom-killed': 'oom-kill',
};

/**
 * SIGTERM to every process → up to `graceMs` for the main process to exit (cut short once the
 * executor closes) → kill the whole tree → wait until empty → final usage → cgroup removed →
 * `ended`. A paused session is thawed first so the signals land. Idempotent: a second call
 * waits for the first. close() waits for every termination under way.
 */
export function terminateSession(
  ctx: ExecutorContext,
  rt: SessionRuntime,
  req: { outcome: TerminateRequest; message: string; graceMs: number },
): Promise<SessionStatus> {
  return trackTermination(ctx, rt.id, endSession(ctx, rt, req));
}

function endSession(
  ctx: ExecutorContext,
  rt: SessionRuntime,
  req: { outcome: TerminateRequest; message: string; graceMs: number },
): Promise<SessionStatus> {
  return rt.exclusive(async () => {
    if (rt.phase === 'ended') return structuredClone(rt.record.status);
    if (!rt.record.terminate) {
      rt.record.terminate = { outcome: req.outcome, message: req.message, atMs: Date.now() };
      await setPhase(ctx, rt, 'stopping', REASON[req.outcome], req.message);
      const pids = await rt.container.pids();
      if (req.graceMs > 0) signalAll(pids, 'SIGTERM');
      if (await rt.container.isFrozen()) {
        await rt.container.thaw();
        signalAll(pids, 'SIGCONT');
      }
      if (req.graceMs > 0)
        await pollUntil(async () => ctx.closing || (await exitRecorded(rt)), req.graceMs, 20);
    }
    // also when an earlier call (or agent process) asked already but did not see it through
    if (!(await exitRecorded(rt))) await rt.container.killUntilEmpty();
    // the supervisor writes exit.json once it saw the session empty; without one (or if it died) finalize writes it
    await pollUntil(async () => (await exitRecorded(rt)) || !(await supervisorAlive(rt)), 35_000, 20);
    // resolve with the end itself: an attempt that failed or found the cgroup not yet empty is retried
    await pollUntil(
      async () => {
        await ctx.finalize(rt);
        return rt.phase === 'ended';
      },
      65_000,
      50,
    );
    return structuredClone(rt.record.status);
  });
}
