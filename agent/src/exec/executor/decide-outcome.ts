import type { SessionExit, SessionOutcome } from '../session-types.js';
import type { SessionRecord } from '../state/session-record.js';
import { type ExitRecord, signalName } from '../supervisor/exit-record.js';
import { stageName } from '../supervisor/start-failure.js';

/** The exact end of the main process, as reported to callers. */
export function toSessionExit(exit: ExitRecord | null): SessionExit | null {
  if (!exit || exit.status === 'unknown' || exit.status === 'start-failed') return null;
  return {
    code: exit.status === 'exited' ? exit.code : null,
    signal: exit.status === 'signaled' && exit.signal !== null ? signalName(exit.signal) : null,
    coreDumped: exit.core,
  };
}

/**
 * Why a session ended. A request (terminate, time limit, an OOM the agent acted on) wins; then
 * the kernel's OOM counter; then the exit itself. Exit 137 and a self-inflicted SIGKILL are
 * reported as what they are (`failed` / `signaled`), never as an OOM: only the cgroup's oom_kill
 * counter says OOM.
 */
export function decideOutcome(
  exit: ExitRecord | null,
  oomKills: number,
  terminate: SessionRecord['terminate'],
  peakBytes: number | null,
): { outcome: SessionOutcome; reason: string; message: string } {
  const peak = peakBytes === null ? '' : `, peak memory ${peakBytes} bytes`;
  const how = describeExit(exit);
  if (terminate) {
    const reason = { terminated: 'terminated', 'timed-out': 'time-limit', 'oom-killed': 'oom-kill' }[
      terminate.outcome
    ];
    return {
      outcome: terminate.outcome,
      reason,
      message: `${terminate.message}; main process ${how}${peak}`,
    };
  }
  if (oomKills > 0)
    return {
      outcome: 'oom-killed',
      reason: 'oom-kill',
      message: `out of memory: the kernel killed ${oomKills} process(es)${peak}`,
    };
  if (!exit || exit.status === 'unknown')
    return { outcome: 'lost', reason: 'exit-unknown', message: `the main process ended unobserved${peak}` };
  if (exit.status === 'start-failed')
    return { outcome: 'failed', reason: 'start-failed', message: `the command could not start (${how})` };
  if (exit.status === 'signaled')
    return { outcome: 'signaled', reason: 'signaled', message: `main process ${how}${peak}` };
  return {
    outcome: exit.code === 0 ? 'succeeded' : 'failed',
    reason: 'exited',
    message: `main process ${how}${peak}`,
  };
}

function describeExit(exit: ExitRecord | null): string {
  if (!exit || exit.status === 'unknown') return 'ended unobserved';
  if (exit.status === 'start-failed') return `failed at ${stageName(exit.stage ?? 0)} (errno ${exit.errno})`;
  if (exit.status === 'signaled')
    return `killed by ${signalName(exit.signal ?? 0)}${exit.core ? ' (core dumped)' : ''}`;
  return `exited with code ${exit.code}`;
}
