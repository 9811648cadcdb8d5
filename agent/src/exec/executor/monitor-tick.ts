import { timeOut } from './arm-deadline.js';
import type { ExecutorContext } from './executor-context.js';
import type { SessionRuntime } from './session-runtime.js';
import { exitRecorded, supervisorAlive } from './supervisor-alive.js';
import { terminateSession } from './terminate-session.js';
import { toSessionUsage } from './to-session-usage.js';

/** How long a vanished supervisor has to have written exit.json before the session counts as lost. */
const SUPERVISOR_GONE_MS = 2_000;

async function check(ctx: ExecutorContext, rt: SessionRuntime): Promise<void> {
  if (rt.finalizing || !rt.ready) return;
  if (await exitRecorded(rt)) return void ctx.finalize(rt);
  if (rt.phase === 'stopping' && rt.record.status.reason === 'cleanup-pending') return void ctx.finalize(rt);
  if (!(await supervisorAlive(rt))) {
    rt.supervisorGoneAtMs ??= Date.now();
    if (Date.now() - rt.supervisorGoneAtMs >= SUPERVISOR_GONE_MS) {
      ctx.logger.warn({ session: rt.id }, 'the session’s supervisor is gone without recording an exit');
      return void ctx.finalize(rt);
    }
  } else rt.supervisorGoneAtMs = null;
  // The time limit holds even when this sample fails (a pass that hit EMFILE throws).
  if (rt.record.deadlineMs !== null && Date.now() >= rt.record.deadlineMs) void timeOut(ctx, rt);
  const counters = await rt.container.usage();
  const usage = toSessionUsage(counters, rt.record.cgroup ? 'cgroup' : 'proc');
  rt.record.status.usage = usage;
  ctx.emitter.emit('usage', { id: rt.id, usage });
  if (counters.oomKills > 0 && !rt.record.terminate && (rt.phase === 'running' || rt.phase === 'paused')) {
    // cgroup v1 kills one process at the limit; end the whole session, as memory.oom.group does on v2
    void terminateSession(ctx, rt, {
      outcome: 'oom-killed',
      message: `memory limit reached: the kernel OOM-killed ${counters.oomKills} process(es), peak ${counters.memoryPeakBytes} bytes`,
      graceMs: 0,
    }).catch((err) =>
      ctx.logger.error({ session: rt.id, err: (err as Error).message }, 'OOM termination failed'),
    );
  }
}

/**
 * The executor's heartbeat (every usageIntervalMs, 1 s by default): a usage sample per live
 * session, OOM and time-limit checks, and noticing an end the directory watch missed or a
 * supervisor that vanished.
 */
export async function monitorTick(ctx: ExecutorContext): Promise<void> {
  const live = [...ctx.sessions.values()].filter((rt) => rt.phase !== 'ended');
  await Promise.all(
    live.map((rt) =>
      check(ctx, rt).catch((err) =>
        ctx.logger.warn({ session: rt.id, err: (err as Error).message }, 'session check failed'),
      ),
    ),
  );
}
