import type { SessionState } from './contract.js';

/**
 * The topics the sessions plugin publishes (payloads: ./event-schemas.ts, docs/events.md). The
 * publishing code names them from here; this file holds no schema, so nothing of zod reaches
 * the bundle.
 */
export const SESSIONS_TOPICS = {
  /** `sessions.session.<state>` on every transition. */
  session: (state: SessionState) => `sessions.session.${state}` as const,
  usage: 'sessions.usage',
  /** `audit.sessions.<action>`: the security plugin appends it to the audit trail. */
  audit: (action: string) => `audit.sessions.${action}` as const,
} as const;
