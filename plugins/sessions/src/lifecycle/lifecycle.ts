import { isoTime } from '@omega/sdk';
import type { SessionState, SessionStatus } from '../contract.js';
import type { SessionEvents } from '../publish/session-events.js';
import type { SessionRecord } from '../store/session-record.js';
import type { SessionStore } from '../store/session-store.js';
import { canMove } from './states.js';

/** History entries kept per session (the first one, and the newest). */
export const HISTORY_MAX = 50;

/** What else changes with a transition, and who caused it (for the audit trail). */
export interface MoveOptions {
  /** Who caused it: a user id, a node name (its agent observed it), or `sessions`. */
  actor?: string;
  source?: string;
  details?: Record<string, unknown>;
  /** Status fields set with the state (placement, exit, usage…). */
  patch?: Partial<SessionStatus>;
}

/**
 * Every state change of a session goes through here: checked against the lifecycle, with a
 * reason and a since-time, written to storage, published as `sessions.session.<state>` and
 * recorded as `audit.sessions.<state>`. A change of reason alone (a pending session whose
 * reason changed) is written and published too, but not audited.
 */
export class Lifecycle {
  constructor(
    private readonly store: SessionStore,
    private readonly events: SessionEvents,
  ) {}

  /** Moves `r` to `state` for `reason`; false (nothing written) when the lifecycle forbids it. */
  move(r: SessionRecord, state: SessionState, reason: string, o: MoveOptions = {}): boolean {
    const previous = r.status.state;
    if (!canMove(previous, state)) return false;
    const now = isoTime(Date.now());
    const changed = previous !== state;
    if (!changed && r.status.reason === reason && o.patch === undefined) return true;
    r.status = { ...r.status, ...o.patch, state, reason };
    if (changed) {
      r.status.since = now;
      r.history.push({ state, reason, at: now });
      if (r.history.length > HISTORY_MAX) r.history.splice(1, r.history.length - HISTORY_MAX);
    } else {
      const last = r.history[r.history.length - 1];
      if (last) last.reason = reason;
    }
    r.version++;
    r.updatedAt = now;
    void this.store.save(r).catch(() => {});
    this.events.transition(r, changed ? previous : undefined);
    if (changed)
      this.events.audit({
        actor: o.actor ?? 'sessions',
        action: state,
        outcome: 'success',
        target: r.id,
        ...(o.source !== undefined ? { source: o.source } : {}),
        details: { name: r.spec.name, owner: r.owner.id, from: previous, reason, ...o.details },
      });
    return true;
  }

  /** Updates status fields without a state change (usage, enforcement lines); written, not published. */
  touch(r: SessionRecord, patch: Partial<SessionStatus>): void {
    r.status = { ...r.status, ...patch };
    r.version++;
    r.updatedAt = isoTime(Date.now());
    void this.store.save(r).catch(() => {});
  }
}
