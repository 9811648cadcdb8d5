/**
 * The topics the metrics plugin publishes (payloads: ./event-schemas.ts, docs/events.md). The
 * publishing code names them from here; this file holds no schema, so nothing of zod reaches
 * the bundle.
 */
export const METRICS_TOPICS = {
  sample: 'metrics.sample',
  topology: 'metrics.topology',
  firing: 'metrics.alert.firing',
  resolved: 'metrics.alert.resolved',
  acknowledged: 'metrics.alert.acknowledged',
  silenceCreated: 'metrics.silence.created',
  silenceExpired: 'metrics.silence.expired',
  /** `audit.metrics.<action>`: the security plugin appends it to the audit trail. */
  audit: (action: string) => `audit.metrics.${action}` as const,
} as const;
