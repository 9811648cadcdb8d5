import { setTimeout as sleep } from 'node:timers/promises';
import { execError } from '../errors/index.js';
import type { SessionStatus } from '../session-types.js';
import { armDeadline } from './arm-deadline.js';
import { type ExecutorContext, setPhase } from './executor-context.js';
import type { SessionRuntime } from './session-runtime.js';
import { signalAll } from './signal-all.js';
import { exitRecorded } from './supervisor-alive.js';

const wrongPhase = (rt: SessionRuntime, want: string) =>
  execError('OMEGA_ERR_EXEC_STATE', `Session ${rt.id} is ${rt.phase}; it must be ${want}.`, {
    sessionId: rt.id,
    phase: rt.phase,
  });

/**
 * Pause = SIGTSTP to every process (a chance to checkpoint), `graceMs`, then freeze until the
 * kernel reports the whole cgroup frozen (SIGSTOP to each process where no cgroup is writable).
 * The time limit stops counting while paused.
 */
export function pauseSession(
  ctx: ExecutorContext,
  rt: SessionRuntime,
  graceMs: number,
): Promise<SessionStatus> {
  return rt.exclusive(async () => {
    if (rt.phase !== 'running') throw wrongPhase(rt, 'running');
    signalAll(await rt.container.pids(), 'SIGTSTP');
    if (graceMs > 0) await sleep(graceMs);
    const froze = await rt.container.freeze().then(
      () => null,
      (err: unknown) => err,
    );
    if (await exitRecorded(rt)) {
      throw execError(
        'OMEGA_ERR_EXEC_STATE',
        `Session ${rt.id} ended while it was being paused (its main process exited).`,
        {
          sessionId: rt.id,
          phase: 'ended',
        },
      );
    }
    if (froze) throw froze;
    rt.record.pausedAtMs = Date.now();
    if (rt.deadlineTimer) clearTimeout(rt.deadlineTimer);
    await setPhase(ctx, rt, 'paused', 'paused', `paused (${rt.record.status.pauseMethod})`);
    return structuredClone(rt.record.status);
  });
}

/** Resume = thaw until no task is frozen, then SIGCONT to every process. */
export function resumeSession(ctx: ExecutorContext, rt: SessionRuntime): Promise<SessionStatus> {
  return rt.exclusive(async () => {
    if (rt.phase !== 'paused') throw wrongPhase(rt, 'paused');
    await rt.container.thaw();
    signalAll(await rt.container.pids(), 'SIGCONT');
    const r = rt.record;
    if (r.deadlineMs !== null && r.pausedAtMs !== null) {
      r.deadlineMs += Date.now() - r.pausedAtMs;
      r.status.deadline = new Date(r.deadlineMs).toISOString();
    }
    r.pausedAtMs = null;
    await setPhase(ctx, rt, 'running', 'resumed', 'resumed');
    armDeadline(ctx, rt);
    return structuredClone(r.status);
  });
}
