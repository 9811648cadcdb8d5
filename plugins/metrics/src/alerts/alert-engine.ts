import { parseSeriesId } from '../series/series-id.js';
import type { MetricStore } from '../store/metric-store.js';
import { alertId } from './alert-id.js';
import { type AlertRuleSpec, compare, type Severity } from './alert-rule.js';

/** A rule as the engine holds it. */
export interface AlertRule {
  id: string;
  spec: AlertRuleSpec;
}

/** A firing or resolved alert: what goes on the event stream, into the history and to webhooks. */
export interface AlertEvent {
  /** The alert instance's id ({@link alertId} of rule and series). */
  id: string;
  state: 'firing' | 'resolved';
  rule: string;
  series: string;
  node: string;
  /** The series' labels plus the rule's labels. */
  labels: Record<string, string>;
  severity: Severity;
  comparator: AlertRuleSpec['comparator'];
  threshold: number;
  /** The value that fired it, or the last value seen when resolved (null when the series went away). */
  value: number | null;
  summary?: string;
  /** When the condition started to hold (epoch ms). */
  startsAt: number;
  /** When it stopped (resolved only). */
  endsAt?: number;
  at: number;
  /** The silences in force when it happened (no notification was sent). */
  silencedBy?: string[];
}

/** An alert whose condition holds now: `pending` until the rule's `for` has passed, then `firing`. */
export interface ActiveAlert {
  /** Stable id of this rule × series ({@link alertId}). */
  id: string;
  rule: string;
  series: string;
  node: string;
  state: 'pending' | 'firing';
  since: number;
  firedAt?: number;
  value: number;
  severity: Severity;
  labels: Record<string, string>;
}

/**
 * Evaluates alert rules against the newest value of each matching series (Prometheus'
 * pending → firing → resolved model). A series with no sample for `staleMs` counts as not
 * matching, so its firing alert resolves. Pure logic: the caller publishes what it returns.
 */
export class AlertEngine {
  private readonly rules = new Map<
    string,
    { rule: AlertRule; name: string; labels: Record<string, string> }
  >();
  private readonly active = new Map<string, Map<string, ActiveAlert>>();

  constructor(readonly staleMs = 5_000) {}

  /** Rule ids. */
  ruleIds(): string[] {
    return [...this.rules.keys()];
  }

  /** Adds or replaces a rule; a replaced rule's firing alerts resolve (returned). */
  setRule(rule: AlertRule, now: number): AlertEvent[] {
    const sel = parseSeriesId(rule.spec.series);
    if (!sel) return [];
    const out = this.removeRule(rule.id, now);
    this.rules.set(rule.id, { rule, name: sel.name, labels: sel.labels });
    return out;
  }

  /** Removes a rule; its firing alerts resolve (returned). */
  removeRule(id: string, now: number): AlertEvent[] {
    const held = this.rules.get(id);
    const instances = this.active.get(id);
    this.rules.delete(id);
    this.active.delete(id);
    if (!held || !instances) return [];
    const out: AlertEvent[] = [];
    for (const a of instances.values())
      if (a.state === 'firing') out.push(this.event(held.rule, a, 'resolved', a.value, now));
    return out;
  }

  /** Alerts pending or firing now, optionally of one rule. */
  activeAlerts(rule?: string): ActiveAlert[] {
    const out: ActiveAlert[] = [];
    for (const [id, m] of this.active) if (rule === undefined || rule === id) out.push(...m.values());
    return out;
  }

  /** The alert pending or firing now with this id. */
  activeAlert(id: string): ActiveAlert | undefined {
    for (const m of this.active.values()) for (const a of m.values()) if (a.id === id) return a;
    return undefined;
  }

  /** Evaluates every rule at `now`; returns the alerts that fired or resolved. */
  evaluate(store: MetricStore, now: number): AlertEvent[] {
    const out: AlertEvent[] = [];
    for (const [id, held] of this.rules) {
      const { rule } = held;
      const instances = this.active.get(id) ?? new Map<string, ActiveAlert>();
      const seen = new Set<string>();
      for (const e of store.select({ name: held.name, labels: held.labels })) {
        const h = e.history;
        if (now - h.lastAt > this.staleMs) continue;
        if (!compare(h.lastValue, rule.spec.comparator, rule.spec.threshold)) continue;
        seen.add(e.id);
        let a = instances.get(e.id);
        if (!a) {
          a = {
            id: alertId(id, e.id),
            rule: id,
            series: e.id,
            node: e.node,
            state: 'pending',
            since: h.lastAt,
            value: h.lastValue,
            severity: rule.spec.severity,
            labels: { ...e.labels, ...rule.spec.labels },
          };
          instances.set(e.id, a);
        }
        a.value = h.lastValue;
        if (a.state === 'pending' && now - a.since >= rule.spec.forMs) {
          a.state = 'firing';
          a.firedAt = now;
          out.push(this.event(rule, a, 'firing', a.value, now));
        }
      }
      for (const [sid, a] of instances) {
        if (seen.has(sid)) continue;
        instances.delete(sid);
        if (a.state !== 'firing') continue;
        const e = store.get(sid);
        const fresh = e && now - e.history.lastAt <= this.staleMs;
        out.push(this.event(rule, a, 'resolved', fresh ? e.history.lastValue : null, now));
      }
      if (instances.size > 0) this.active.set(id, instances);
      else this.active.delete(id);
    }
    return out;
  }

  private event(
    rule: AlertRule,
    a: ActiveAlert,
    state: AlertEvent['state'],
    value: number | null,
    now: number,
  ) {
    const ev: AlertEvent = {
      id: a.id,
      state,
      rule: rule.id,
      series: a.series,
      node: a.node,
      labels: a.labels,
      severity: rule.spec.severity,
      comparator: rule.spec.comparator,
      threshold: rule.spec.threshold,
      value,
      startsAt: a.since,
      at: now,
    };
    if (rule.spec.summary !== undefined) ev.summary = rule.spec.summary;
    if (state === 'resolved') ev.endsAt = now;
    return ev;
  }
}
