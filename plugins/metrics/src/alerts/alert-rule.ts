import { parseDuration } from '../query/parse-time.js';
import { isSeriesName, type Labels, parseSeriesId } from '../series/series-id.js';

/** How a rule compares a series' value with its threshold. */
export const COMPARATORS = ['>', '>=', '<', '<=', '==', '!='] as const;
/** One comparator. */
export type Comparator = (typeof COMPARATORS)[number];
/** Alert severities. */
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
/** One severity. */
export type Severity = (typeof SEVERITIES)[number];

/** What an operator asks for: alert when `series` compares true against `threshold` for `forMs`. */
export interface AlertRuleSpec {
  /** A series selector, `name` or `name{label="value",…}`; every matching series is watched on its own. */
  series: string;
  comparator: Comparator;
  threshold: number;
  /** How long the condition must hold before the alert fires, ms (0: at once). */
  forMs: number;
  severity: Severity;
  /** Labels added to every alert of this rule. */
  labels: Labels;
  summary?: string;
  /** Where firing/resolved notifications are POSTed (needs the matching `net:fetch` permission). */
  webhook?: string;
}

/** True when `value` compares true against `threshold`. */
export function compare(value: number, comparator: Comparator, threshold: number): boolean {
  switch (comparator) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/;

/**
 * Validates a rule spec from an API body. `for` may be a duration (`30s`, `5m`) or ms.
 * Returns the spec, or the field and what is wrong with it.
 */
export function parseRuleSpec(input: unknown): { spec: AlertRuleSpec } | { field: string; message: string } {
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    return { field: '(body)', message: 'must be an object' };
  const o = input as Record<string, unknown>;
  const sel = typeof o.series === 'string' && o.series.length <= 512 ? parseSeriesId(o.series) : null;
  if (!sel || !isSeriesName(sel.name))
    return { field: 'series', message: 'must be a series selector such as cpu.busy{cpu="total"}' };
  if (typeof o.comparator !== 'string' || !(COMPARATORS as readonly string[]).includes(o.comparator))
    return { field: 'comparator', message: `must be one of ${COMPARATORS.join(' ')}` };
  if (typeof o.threshold !== 'number' || !Number.isFinite(o.threshold))
    return { field: 'threshold', message: 'must be a finite number' };
  let forMs = 0;
  if (o.for !== undefined) {
    const d = typeof o.for === 'number' ? o.for : typeof o.for === 'string' ? parseDuration(o.for) : null;
    if (d === null || !Number.isFinite(d) || d < 0 || d > 86_400_000)
      return { field: 'for', message: 'must be a duration between 0 and 1d, e.g. "5m"' };
    forMs = Math.round(d);
  }
  const severity = o.severity ?? 'warning';
  if (typeof severity !== 'string' || !(SEVERITIES as readonly string[]).includes(severity))
    return { field: 'severity', message: `must be one of ${SEVERITIES.join(', ')}` };
  const labels: Record<string, string> = {};
  if (o.labels !== undefined) {
    if (o.labels === null || typeof o.labels !== 'object' || Array.isArray(o.labels))
      return { field: 'labels', message: 'must be an object of strings' };
    const entries = Object.entries(o.labels as Record<string, unknown>);
    if (entries.length > 32) return { field: 'labels', message: 'at most 32 labels' };
    for (const [k, v] of entries) {
      if (!LABEL_NAME.test(k) || typeof v !== 'string' || v.length > 256)
        return { field: `labels.${k}`, message: 'label names are identifiers, values strings of ≤256' };
      labels[k] = v;
    }
  }
  const spec: AlertRuleSpec = {
    series: o.series as string,
    comparator: o.comparator as Comparator,
    threshold: o.threshold,
    forMs,
    severity: severity as Severity,
    labels,
  };
  if (o.summary !== undefined) {
    if (typeof o.summary !== 'string' || o.summary.length > 500)
      return { field: 'summary', message: 'must be a string of ≤500' };
    spec.summary = o.summary;
  }
  if (o.webhook !== undefined) {
    if (typeof o.webhook !== 'string' || !/^https?:\/\/[^\s]+$/.test(o.webhook) || o.webhook.length > 2048)
      return { field: 'webhook', message: 'must be an http(s) URL' };
    spec.webhook = o.webhook;
  }
  return { spec };
}
