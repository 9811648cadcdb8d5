import type { AgentSessionStatus } from '../agent-ops.js';
import type { SessionsRuntime } from '../runtime.js';
import type { SessionRecord } from '../store/session-record.js';
import { agentVerdict } from './agent-status.js';
import { isTerminal } from './states.js';

const PHASES = new Set(['pending', 'starting', 'running', 'paused', 'stopping', 'ended']);

/** True when `v` looks like an agent's session status (it is an agent's claim: checked before use). */
export function isAgentStatus(v: unknown): v is AgentSessionStatus {
  const s = v as Partial<AgentSessionStatus> | null;
  return (
    s !== null &&
    typeof s === 'object' &&
    typeof s.id === 'string' &&
    typeof s.phase === 'string' &&
    PHASES.has(s.phase) &&
    typeof s.since === 'string' &&
    typeof s.reason === 'string' &&
    Array.isArray(s.enforcement)
  );
}

/**
 * Applies what node `from` says about session `r` (a command result or a `session.state`
 * report): only from the node the session was placed on, never older than what was applied
 * (agent clock), once per end. Clears the operation it confirms; an end frees capacity and
 * asks for a scheduling pass. Answers true when something changed.
 */
export function applyStatus(
  rt: SessionsRuntime,
  r: SessionRecord,
  s: AgentSessionStatus,
  from: string,
): boolean {
  const placement = r.status.placement;
  if (!placement || placement.node !== from) {
    rt.log('warn', 'sessions: a node reported on a session it does not run; ignored', {
      session: r.id,
      from,
    });
    return false;
  }
  if (isTerminal(r.status.state)) return false;
  if (r.agentAt !== undefined && s.since < r.agentAt) return false;
  r.agentAt = s.since;
  const v = agentVerdict(r, s);
  const op = r.pendingOp;
  const confirms =
    op !== undefined &&
    ((op.op === 'pause' && v.state === 'paused') ||
      (op.op === 'resume' && v.state === 'running') ||
      (op.op === 'terminate' && isTerminal(v.state)));
  const actor = confirms ? op.by : placement.nodeName;
  if (confirms) delete r.pendingOp; // before the move, so the stored record has it settled
  const moved = rt.lifecycle.move(r, v.state, v.reason, { actor, patch: v.patch });
  if (isTerminal(r.status.state)) {
    rt.usage.end(r.id);
    rt.scheduler.wake();
  }
  return moved;
}
