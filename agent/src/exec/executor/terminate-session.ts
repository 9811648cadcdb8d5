import { pollUntil } from '../cgroup/session-cgroup.js';
import type { SessionStatus } from '../session-types.js';
import { MAX_GRACE_MS } from '../spec/session-spec.js';
import { type SessionRecord, writeSessionRecord } from '../state/session-record.js';
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
 * record: when the executor closes within it, the termination is left `stopping` (resolving with
 * that status), and the agent process that resumes it (adoption) thaws it if it is paused, sends
 * SIGTERM if it was never sent (the record says), and waits only what is left of the grace.
 * close() waits for terminations past their grace (the kill) to finish.
 */
export function terminateSession(
  ctx: ExecutorContext,
  rt: SessionRuntime,
  req: { outcome: TerminateRequest; message: string; graceMs: number },
): Promise<SessionStatus> {
  return trackTermination(ctx, rt.id, endSession(ctx, rt, req));
}

/**
 * What is left of a termination's grace, in ms: never more than its grace (a clock stepped back
 * since it began), none for a grace that is not a finite number (a record of an older agent).
 */
function graceLeft(t: NonNullable<SessionRecord['terminate']>): number {
  const g =
    typeof t.graceMs === 'number' && Number.isFinite(t.graceMs) ? Math.min(t.graceMs, MAX_GRACE_MS) : 0;
  return g > 0 ? Math.min(g, t.atMs + g - Date.now()) : 0;
}

/**
 * SIGTERM to every process of the session (when `term`; then recorded as sent, so an agent
 * process that resumes the termination does not send it again), and a paused session thawed so
 * it lands.
 */
async function signalTerm(ctx: ExecutorContext, rt: SessionRuntime, term: boolean): Promise<void> {
  const pids = await rt.container.pids();
  if (term) signalAll(pids, 'SIGTERM');
  if (await rt.container.isFrozen()) {
    await rt.container.thaw();
    signalAll(pids, 'SIGCONT');
    rt.record.pausedAtMs = null;
  }
  const t = rt.record.terminate;
  if (!term || !t) return;
  t.signalledAtMs = Date.now();
  // after the phase writes under way (they write the whole record, this field included)
  const write = rt.phaseWrites.then(() => writeSessionRecord(rt.dir, rt.record));
  rt.phaseWrites = write.catch(() => {});
  await write.catch((err: Error) =>
    ctx.logger.warn(
      { session: rt.id, err: err.message },
      'cannot record that SIGTERM was sent: an agent process that resumes this termination sends it again',
    ),
  );
}

function endSession(
  ctx: ExecutorContext,
  rt: SessionRuntime,
  req: { outcome: TerminateRequest; message: string; graceMs: number },
): Promise<SessionStatus> {
  return rt.exclusive(async () => {
    if (rt.phase === 'ended') return structuredClone(rt.record.status);
    const begun = rt.record.terminate;
    if (!begun) {
      const { outcome, message, graceMs } = req;
      rt.record.terminate = { outcome, message, atMs: Date.now(), graceMs };
      await setPhase(ctx, rt, 'stopping', REASON[outcome], message);
      await signalTerm(ctx, rt, graceMs > 0);
    } else if (graceLeft(begun) > 0 && !(await exitRecorded(rt))) {
      // Begun by an earlier agent process (or by a call that returned when the executor closed):
      // a paused session is thawed, and SIGTERM sent only if it never was — a job that handles
      // SIGTERM once must not get a second one in its grace for each restart of its agent.
      await signalTerm(ctx, rt, begun.signalledAtMs === undefined);
    }
    const t = rt.record.terminate!;
    const left = graceLeft(t);
    if (left > 0) await pollUntil(async () => ctx.closing || (await exitRecorded(rt)), left, 20);
    // The agent stops within the grace: the next agent process resumes it with what is left.
    if (ctx.closing && graceLeft(t) > 0 && !(await exitRecorded(rt)))
      return structuredClone(rt.record.status);
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
