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
 * SIGTERM to every process → up to `graceMs` for the main process to exit → kill the whole tree
 * → wait until empty → final usage → cgroup removed → `ended`. A paused session is thawed first
 * so the signals land. Idempotent: a second call waits for the first. The grace is kept in the
 * record: an agent process that resumes a termination an earlier one began (adoption) waits only
 * what is left of it. close() waits for every termination under way, its grace included, up to
 * its bound.
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
      const { outcome, message, graceMs } = req;
      rt.record.terminate = { outcome, message, atMs: Date.now(), graceMs };
      await setPhase(ctx, rt, 'stopping', REASON[outcome], message);
      const pids = await rt.container.pids();
      if (graceMs > 0) signalAll(pids, 'SIGTERM');
      if (await rt.container.isFrozen()) {
        await rt.container.thaw();
        signalAll(pids, 'SIGCONT');
      }
    }
    // what is left of the grace (all of it, unless an earlier agent process began this termination)
    const t = rt.record.terminate;
    const left = t.atMs + (t.graceMs ?? 0) - Date.now();
    if (left > 0) await pollUntil(() => exitRecorded(rt), left, 20);
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
