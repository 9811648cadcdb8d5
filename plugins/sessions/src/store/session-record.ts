import type { SessionView } from '../contract.js';

/** An operation on a running session that has been asked for and not yet confirmed by its agent. */
export interface PendingOp {
  op: 'pause' | 'resume' | 'terminate';
  /** The command id (idempotency key) it goes out with. */
  id: string;
  by: string;
  at: string;
  graceMs?: number;
  reason?: string;
}

/**
 * A session as stored: the API view plus the plugin's own bookkeeping (never shown): counters
 * that make each command id unique per attempt, the operation in flight, and the newest agent
 * status applied (older reports are ignored).
 */
export interface SessionRecord extends SessionView {
  counters: { pause: number; resume: number; terminate: number };
  pendingOp?: PendingOp;
  /** Agent time (ISO) of the newest status applied. */
  agentAt?: string;
  /** Set while an agent-observed end is being applied (an end is applied once). */
  ended?: boolean;
}

/** The API view of a record (bookkeeping removed). */
export function viewOf(r: SessionRecord): SessionView {
  const { counters: _c, pendingOp: _p, agentAt: _a, ended: _e, ...view } = r;
  return view;
}
