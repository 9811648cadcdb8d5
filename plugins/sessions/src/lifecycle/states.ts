import { type SessionState, TERMINAL_STATES } from '../contract.js';

const TERMINAL = new Set<SessionState>(TERMINAL_STATES);
/** States in which a session holds (or is being given) its node's resources. */
const ACTIVE = new Set<SessionState>(['starting', 'running', 'paused', 'terminating']);

/** True when a session never leaves `s`. */
export const isTerminal = (s: SessionState): boolean => TERMINAL.has(s);
/** True while a session holds resources on a node. */
export const isActive = (s: SessionState): boolean => ACTIVE.has(s);

/**
 * True when a session may go from `from` to `to`: never out of a terminal state, and back to
 * `pending` only before it ran (a start that never reached a node, or a Slurm job still queued).
 */
export function canMove(from: SessionState, to: SessionState): boolean {
  if (isTerminal(from)) return false;
  if (to === 'pending') return from === 'pending' || from === 'starting';
  if (to === 'starting') return from === 'pending';
  if (from === 'terminating') return to === 'terminating' || isTerminal(to);
  return true;
}
