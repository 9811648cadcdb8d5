/** An alert pending or firing now (`GET /api/v1/metrics/alerts`). */
export interface ActiveAlert {
  /** Stable id of the alert (rule + series), for `POST /alerts/{id}/ack`. */
  id: string;
  rule: string;
  series: string;
  node: string;
  state: 'pending' | 'firing';
  since: number;
  firedAt?: number;
  value: number;
  severity: 'info' | 'warning' | 'critical';
  labels: Record<string, string>;
  acknowledged?: { by: { id: string; name: string }; reason: string; at: number };
  silenced?: { until: number; silences: { id: string; reason: string; until: number }[] };
}

/** A silence as the API shows it (`GET /api/v1/metrics/alerts/silences`). */
export interface SilenceView {
  id: string;
  version: number;
  spec: { rule?: string; labels?: Record<string, string>; reason: string; startsAt: number; endsAt: number };
  status: { state: 'active' | 'expired'; expiredBy?: { id: string; name: string } };
  createdBy: { id: string; name: string };
  createdAt: string;
  updatedAt: string;
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
