import { isoTime } from '@omega/sdk';
import type { AgentSessionStatus } from '../agent-ops.js';
import type { SessionState, SessionStatus } from '../contract.js';
import { formatSize } from '../spec/parse-size.js';
import type { SessionRecord } from '../store/session-record.js';

/** The state and reason an agent's status means for a session, and the status fields it brings. */
export interface AgentVerdict {
  state: SessionState;
  reason: string;
  patch: Partial<SessionStatus>;
}

function durationText(sec: number): string {
  if (sec % 3600 === 0) return `${sec / 3600} h`;
  if (sec % 60 === 0) return `${sec / 60} min`;
  return `${sec} s`;
}

function endReason(r: SessionRecord, s: AgentSessionStatus): { state: SessionState; reason: string } {
  const exit = s.exit;
  const limit = r.status.placement?.memoryBytes ?? r.spec.resources.memoryBytes;
  const peak = s.usage?.memoryPeakBytes ?? r.status.peakMemoryBytes;
  switch (s.outcome) {
    case 'succeeded':
      return { state: 'completed', reason: 'exited with code 0' };
    case 'failed':
      return { state: 'failed', reason: `exited with code ${exit?.code ?? 'unknown'}` };
    case 'signaled':
      return {
        state: 'failed',
        reason: `killed by ${exit?.signal ?? 'a signal'}${exit?.coreDumped ? ' (core dumped)' : ''}`,
      };
    case 'oom-killed':
      return {
        state: 'oom-killed',
        reason: `out of memory: the ${formatSize(limit)} limit was reached${peak ? ` (peak ${formatSize(peak)})` : ''}`,
      };
    case 'timed-out': {
      const t = r.spec.timeLimitSec;
      return {
        state: 'timed-out',
        reason: t ? `time limit of ${durationText(t)} reached` : 'time limit reached',
      };
    }
    case 'terminated': {
      const by =
        r.pendingOp?.op === 'terminate'
          ? r.pendingOp.by
          : (r.status.cancelledBy ?? 'an operator on the node');
      const why = r.pendingOp?.op === 'terminate' && r.pendingOp.reason ? `: ${r.pendingOp.reason}` : '';
      return { state: 'cancelled', reason: `cancelled by ${by}${why}` };
    }
    case 'cancelled':
      return { state: 'cancelled', reason: 'cancelled in Slurm, outside Omega' };
    default:
      return { state: 'lost', reason: `its end could not be observed: ${s.message || s.reason}` };
  }
}

/**
 * What an agent's report (or command result) about a session means here: `pending` (queued in
 * Slurm, with Slurm's reason), `running`, `paused`, `terminating` (the agent is ending it and
 * says why), or the terminal state its outcome maps to (exit code, signal, OOM with the peak,
 * time limit, cancelled by whom, lost).
 */
export function agentVerdict(r: SessionRecord, s: AgentSessionStatus): AgentVerdict {
  const node = r.status.placement?.nodeName ?? 'its node';
  const patch: Partial<SessionStatus> = {};
  if (s.usage) patch.usage = s.usage;
  const peak = s.usage?.memoryPeakBytes;
  if (typeof peak === 'number') patch.peakMemoryBytes = Math.max(peak, r.status.peakMemoryBytes ?? 0);
  if (s.enforcement.length > 0) patch.enforcement = s.enforcement.slice(0, 32);
  if (s.pauseMethod) patch.pauseMethod = s.pauseMethod;
  if (s.slurm) patch.slurm = s.slurm;
  switch (s.phase) {
    case 'pending':
      return {
        state: 'pending',
        reason: `Slurm job ${s.slurm?.jobId ?? '?'} is pending: ${s.slurm?.reason ?? 'queued; Slurm has given no reason yet'}`,
        patch,
      };
    case 'starting':
      return { state: 'starting', reason: `starting on ${node}`, patch };
    case 'running': {
      if (!r.status.startedAt) patch.startedAt = isoTime(Date.now());
      const how =
        s.reason === 'resumed'
          ? ' (resumed)'
          : s.reason === 'adopted'
            ? ' (adopted by a restarted agent)'
            : '';
      const where = s.slurm ? `Slurm job ${s.slurm.jobId} on ${s.slurm.nodes.join(',') || node}` : node;
      return { state: 'running', reason: `running on ${where}${how}`, patch };
    }
    case 'paused': {
      const by = r.pendingOp?.op === 'pause' ? ` by ${r.pendingOp.by}` : '';
      return { state: 'paused', reason: `paused${by} (${s.pauseMethod ?? 'frozen'})`, patch };
    }
    case 'stopping': {
      const why: Record<string, string> = {
        'terminate-requested': 'ending on request',
        'time-limit': 'time limit reached; ending',
        'oom-kill': 'out of memory; ending',
        exited: 'main process exited; ending what is left of it',
        signaled: 'main process died of a signal; ending what is left of it',
        'cleanup-pending': 'waiting until every process of it is gone',
      };
      return { state: 'terminating', reason: why[s.reason] ?? `ending (${s.reason})`, patch };
    }
    default: {
      const end = endReason(r, s);
      if (s.exit) patch.exit = s.exit;
      patch.endedAt = isoTime(Date.now());
      if (end.state === 'cancelled' && r.pendingOp?.op === 'terminate') patch.cancelledBy = r.pendingOp.by;
      return { ...end, patch };
    }
  }
}
