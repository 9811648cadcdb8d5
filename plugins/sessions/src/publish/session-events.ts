import type { SessionEvent, SessionState, SessionsAuditEvent } from '../contract.js';
import { SESSIONS_TOPICS } from '../event-topics.js';
import type { SessionRecord } from '../store/session-record.js';
import type { Outbox } from './outbox.js';

const MAX_TEXT = 512;
const clip = (s: string): string => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s);

/** The plugin's events: `sessions.session.<state>` on every transition, `audit.sessions.<action>` for the audit trail. */
export class SessionEvents {
  constructor(readonly out: Outbox) {}

  /** `sessions.session.<state>` for `r` as it is now. */
  transition(r: SessionRecord, previous?: SessionState): void {
    const s = r.status;
    const data: SessionEvent = {
      id: r.id,
      name: r.spec.name,
      owner: r.owner.id,
      state: s.state,
      reason: clip(s.reason),
      since: s.since,
      ...(previous !== undefined ? { previous } : {}),
      ...(s.placement ? { node: s.placement.nodeName } : {}),
      ...(s.exit ? { exit: s.exit } : {}),
    };
    this.out.publish(SESSIONS_TOPICS.session(s.state), data);
  }

  /** `audit.sessions.<action>`: who did what to which session or quota, and how it ended. */
  audit(entry: SessionsAuditEvent): void {
    this.out.publish(SESSIONS_TOPICS.audit(entry.action), {
      ...entry,
      actor: clip(entry.actor),
      target: clip(entry.target),
      ...(entry.source !== undefined ? { source: clip(entry.source) } : {}),
    });
  }
}
