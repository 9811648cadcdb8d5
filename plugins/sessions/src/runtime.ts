import type { PluginContext } from '@omega/sdk';
import { NodeCommands } from './agents/node-commands.js';
import { launch } from './lifecycle/launch.js';
import { Lifecycle } from './lifecycle/lifecycle.js';
import { NodeWatch } from './lifecycle/node-watch.js';
import { Scheduler } from './lifecycle/scheduler.js';
import { sendOp } from './lifecycle/session-ops.js';
import { type SweepState, sweep } from './lifecycle/sweep.js';
import { Outbox } from './publish/outbox.js';
import { SessionEvents } from './publish/session-events.js';
import { QuotaStore } from './quota/quota-store.js';
import { RoleCache } from './quota/role-cache.js';
import type { SessionsSettings } from './settings/sessions-settings.js';
import { SettingsStore } from './settings/settings-store.js';
import { SlurmHosts } from './slurm/slurm-hosts.js';
import { SessionStore } from './store/session-store.js';
import { LiveUsage } from './usage/live-usage.js';
import { KeyedLock } from './util/keyed-lock.js';

/** The periodic sweep, ms: usage batches, retries, deadlines, scheduling. */
export const TICK_MS = 1_000;

/**
 * Everything one activation of the sessions plugin holds: sessions, quotas, the scheduler,
 * what it knows of nodes and Slurm hosts, live usage and the outbox. Made by setup, dropped by
 * deactivate; nothing lives in module scope.
 */
export class SessionsRuntime {
  readonly settingsStore: SettingsStore;
  /** The settings in force (one object, changed in place by the settings route). */
  readonly settings: SessionsSettings;
  readonly out: Outbox;
  readonly events: SessionEvents;
  readonly store: SessionStore;
  readonly lifecycle: Lifecycle;
  readonly commands: NodeCommands;
  readonly usage: LiveUsage;
  readonly slurm = new SlurmHosts();
  readonly quotas: QuotaStore;
  readonly roles: RoleCache;
  readonly locks = new KeyedLock();
  readonly nodes: NodeWatch;
  readonly scheduler: Scheduler;
  /** Command ids in flight (a retry never doubles one). */
  readonly inFlight = new Set<string>();
  stopping = false;

  constructor(readonly ctx: PluginContext) {
    this.settingsStore = new SettingsStore(ctx);
    this.settings = this.settingsStore.current;
    this.out = new Outbox(ctx);
    this.events = new SessionEvents(this.out);
    this.store = new SessionStore(ctx);
    this.lifecycle = new Lifecycle(this.store, this.events);
    this.commands = new NodeCommands(ctx);
    this.usage = new LiveUsage(this.out);
    this.quotas = new QuotaStore(ctx);
    this.roles = new RoleCache(ctx);
    this.nodes = new NodeWatch(this);
    this.scheduler = new Scheduler(this);
  }

  private readonly sweepState: SweepState = { lastRetry: 0, lastPrune: Date.now() };

  /**
   * Loads sessions and quotas; work an earlier activation left in flight is driven on (starts
   * and operations are sent again with the same ids: never executed twice) and a pass is asked.
   */
  async start(): Promise<void> {
    await this.settingsStore.load();
    const sessions = await this.store.load();
    const quotas = await this.quotas.load();
    for (const r of this.store.all()) {
      if (r.status.state === 'starting') void launch(this, r);
      else if (r.pendingOp) void sendOp(this, r);
    }
    this.scheduler.wake();
    this.log('info', 'sessions started', { sessions, quotas });
  }

  /** The periodic sweep (every {@link TICK_MS}). */
  async tick(now = Date.now()): Promise<void> {
    if (this.stopping) return;
    await sweep(this, this.sweepState, now);
  }

  /** Stops passes and flushes what is queued. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.out.pump();
    await this.store.flush();
  }

  /** A log line that never fails the caller. */
  log(level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>): void {
    this.ctx.log[level](msg, fields).catch(() => {});
  }
}
