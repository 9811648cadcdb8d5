/** An alert pending or firing now (`GET /api/v1/metrics/alerts`). */
export interface ActiveAlert {
  rule: string;
  series: string;
  node: string;
  state: 'pending' | 'firing';
  since: number;
  firedAt?: number;
  value: number;
  severity: 'info' | 'warning' | 'critical';
  labels: Record<string, string>;
}

/** A firing or resolved transition (`GET /api/v1/metrics/alerts/history`, events `metrics.alert.*`). */
export interface AlertEvent {
  id?: string;
  state: 'firing' | 'resolved';
  rule: string;
  series: string;
  node: string;
  severity: string;
  comparator: string;
  threshold: number;
  value: number | null;
  summary?: string;
  startsAt: number;
  endsAt?: number;
  at: number;
}

/** A rule as the API shows it. */
export interface RuleView {
  id: string;
  version: number;
  spec: {
    series: string;
    comparator: string;
    threshold: number;
    forMs: number;
    severity: string;
    labels: Record<string, string>;
    summary?: string;
    webhook?: string;
  };
  status: { state: 'inactive' | 'pending' | 'firing'; alerts: ActiveAlert[] };
  createdAt: string;
  updatedAt: string;
}
