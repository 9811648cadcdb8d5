/**
 * The topics the security plugin publishes (payloads: ./event-schemas.ts, docs/events.md). The
 * publishing code names them from here; this file holds no schema, so nothing of zod reaches
 * the bundle.
 */
export const SECURITY_TOPICS = {
  tokenRevoked: 'security.token.revoked',
  userChanged: 'security.user.changed',
  auditAppended: 'security.audit.appended',
  auditCheckpoint: 'security.audit.checkpoint',
} as const;
