/** One entry of the hash-chained audit trail. */
export interface AuditEntry {
  seq: number;
  time: string;
  actor: string;
  action: string;
  outcome: 'success' | 'failure' | 'denied';
  target?: string;
  source?: string;
  details?: Record<string, unknown>;
  prev: string;
  hash: string;
}
