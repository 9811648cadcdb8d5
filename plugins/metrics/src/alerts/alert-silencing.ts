import { isoTime } from '@omega/sdk';
import { METRICS_TOPICS } from '../event-topics.js';
import type { PluginStorage } from '../persist/plugin-storage.js';
import { AckStore } from './ack-store.js';
import type { ActiveAlert, AlertEngine, AlertEvent } from './alert-engine.js';
import { type Silence, silenceActive, type Who } from './silence.js';
import { type SilenceRecord, SilenceStore } from './silence-store.js';

/** Who acts on an alert or a silence: the caller, and where the request came from. */
export interface Actor extends Who {
  source?: string;
}

/** What {@link AlertSilencing} needs around it: publishing (events and audit) and the clock. */
export interface SilencingHost {
  publish(topic: string, data: unknown): void;
  now(): number;
}

/** After a restart, acknowledgements of alerts that did not come back are dropped after this. */
export const ACK_GRACE_MS = 60_000;

const TEXT_MAX = 512;
const clip = (s: string): string => (s.length > TEXT_MAX ? `${s.slice(0, TEXT_MAX - 1)}…` : s);

/** A silence as the API shows it: id, version, spec (what was asked), status, who and when. */
export function silenceView(r: SilenceRecord, now: number) {
  const { matchers, reason, startsAt, endsAt, createdBy, expiredBy } = r.value;
  return {
    id: r.id,
    version: r.version,
    spec: { ...matchers, reason, startsAt, endsAt },
    status: {
      state: silenceActive(r.value, now) ? ('active' as const) : ('expired' as const),
      ...(expiredBy ? { expiredBy } : {}),
    },
    createdBy,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/**
 * Acknowledgements and silences of alerts. An acknowledgement says someone is on it (who, why,
 * when) and lasts until the alert resolves; a silence covers the alerts of a rule and/or with
 * some labels until it expires (on its own or early) and suppresses their notifications. Both
 * are stored (a restart keeps them), published as events and sent to the audit trail.
 */
export class AlertSilencing {
  readonly acks: AckStore;
  readonly silences: SilenceStore;
  private loadedAt = 0;

  constructor(
    storage: PluginStorage,
    private readonly engine: AlertEngine,
    private readonly host: SilencingHost,
  ) {
    this.acks = new AckStore(storage);
    this.silences = new SilenceStore(storage);
  }

  /** Loads the stored acknowledgements and silences. */
  async load(): Promise<void> {
    await this.acks.load();
    await this.silences.load();
    this.loadedAt = this.host.now();
  }

  /**
   * Marks a firing/resolved transition with the silences in force (true: send no notification);
   * a resolved alert's acknowledgement is forgotten.
   */
  onTransition(ev: AlertEvent): boolean {
    const now = this.host.now();
    const by = this.silences.matching(ev.rule, ev.labels, now).map((r) => r.id);
    if (by.length > 0) ev.silencedBy = by;
    if (ev.state === 'resolved' && this.acks.get(ev.id)) void this.acks.delete(ev.id).catch(() => false);
    return by.length > 0;
  }

  /** An active alert with who acknowledged it and which silences cover it (who, why, until). */
  view(a: ActiveAlert) {
    const now = this.host.now();
    const ack = this.acks.get(a.id)?.value;
    const silences = this.silences.matching(a.rule, a.labels, now);
    return {
      ...a,
      ...(ack ? { acknowledged: { by: ack.by, reason: ack.reason, at: ack.at } } : {}),
      ...(silences.length > 0
        ? {
            silenced: {
              until: Math.max(...silences.map((s) => s.value.endsAt)),
              silences: silences.map((s) => ({
                id: s.id,
                reason: s.value.reason,
                by: s.value.createdBy,
                until: s.value.endsAt,
              })),
            },
          }
        : {}),
    };
  }

  /** Acknowledges the pending or firing alert `id` and returns it; undefined when there is none. */
  async acknowledge(id: string, reason: string, actor: Actor): Promise<ActiveAlert | undefined> {
    const a = this.engine.activeAlert(id);
    if (!a) return undefined;
    const at = this.host.now();
    await this.acks.set(id, { rule: a.rule, series: a.series, reason, by: who(actor), at });
    this.host.publish(METRICS_TOPICS.acknowledged, {
      id,
      rule: a.rule,
      series: a.series,
      node: a.node,
      state: a.state,
      acknowledged: { by: who(actor), reason, at },
    });
    this.audit(actor, 'alert.ack', `${a.rule} ${a.series}`, { alert: id, reason });
    return a;
  }

  /** Stores a new silence; audited and published. */
  async silence(s: Silence, actor: Actor): Promise<SilenceRecord> {
    const rec = await this.silences.create(s);
    const now = this.host.now();
    this.host.publish(METRICS_TOPICS.silenceCreated, silenceView(rec, now));
    this.audit(actor, 'silence.create', rec.id, {
      ...s.matchers,
      reason: s.reason,
      until: isoTime(s.endsAt),
    });
    return rec;
  }

  /** Expires a silence now; audited and published. Storage errors (a stale version: conflict) propagate. */
  async expire(id: string, actor: Actor, expectedVersion?: number): Promise<SilenceRecord> {
    const now = this.host.now();
    const rec = await this.silences.expire(id, who(actor), now, expectedVersion);
    this.host.publish(METRICS_TOPICS.silenceExpired, { ...silenceView(rec, now), early: true });
    this.audit(actor, 'silence.expire', id, { reason: rec.value.reason });
    return rec;
  }

  /**
   * Once a second: publishes (and audits) the silences that ran out on their own, and drops
   * acknowledgements of alerts that are gone (past the grace after a restart, when alerts
   * re-enter pending).
   */
  async tick(now: number): Promise<void> {
    for (const rec of await this.silences.sweep(now)) {
      this.host.publish(METRICS_TOPICS.silenceExpired, { ...silenceView(rec, now), early: false });
      this.audit({ id: 'metrics', name: 'metrics' }, 'silence.expire', rec.id, {
        reason: rec.value.reason,
        ranOut: true,
      });
    }
    if (now - this.loadedAt < ACK_GRACE_MS || this.acks.size === 0) return;
    // One pass over the active alerts, not one scan of them per acknowledgement: this runs per collection.
    const active = new Set(this.engine.activeAlerts().map((a) => a.id));
    for (const id of this.acks.ids()) if (!active.has(id)) await this.acks.delete(id);
  }

  private audit(actor: Actor, action: string, target: string, details: Record<string, unknown>): void {
    this.host.publish(METRICS_TOPICS.audit(action), {
      actor: clip(actor.id),
      action,
      outcome: 'success',
      target: clip(target),
      ...(actor.source ? { source: clip(actor.source) } : {}),
      details,
    });
  }
}

const who = (a: Actor): Who => ({ id: a.id, name: a.name });
