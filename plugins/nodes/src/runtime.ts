import { isoTime, type PluginContext, pluginError } from '@omega/sdk';
import { CommandChannel } from './commands/command-channel.js';
import { Discovery } from './discovery/discovery.js';
import { JoinGuard } from './gateway/join-guard.js';
import { LiveStore } from './live/live-store.js';
import { DeadlineWheel } from './liveness/deadline-wheel.js';
import {
  type Evidence,
  judgeEvidence,
  judgeSilence,
  nextJudgement,
  type Transition,
} from './liveness/judge-liveness.js';
import { SettingsStore } from './liveness/settings-store.js';
import { LoadBatcher } from './publish/load-batcher.js';
import { NodeEvents } from './publish/node-events.js';
import { PacedPublisher } from './publish/paced-publisher.js';
import type { NodeEntry } from './registry/node-record.js';
import { NodeRegistry } from './registry/node-registry.js';
import { RuntimeTimings } from './runtime-timings.js';
import { SlurmNodes } from './slurm/slurm-nodes.js';
import { type UrgentSet, WriteLimiter } from './storage/write-limiter.js';
import { TokenStore } from './tokens/token-store.js';

/** The sweep's period, ms: liveness, command deadlines, cordon deadlines, batches. */
export const TICK_MS = 1_000;
/**
 * Most nodes one sweep judges: when more come due at once (the grace after a start ends for
 * every node together), the rest wait a tick each, so no sweep holds the plugin long enough
 * for a route call to wait behind ten thousand judgements.
 */
export const JUDGE_SLICE = 2_000;
/** A tick later than this after the previous one means the plugin (or the clock) stalled. */
const STALL_MS = 5_000;
/** Fewest loads published in one tick (a small fleet's whole batch goes at once). */
const LOAD_SLICE_MIN = 500;
/** How often live state is persisted (a crash loses at most this much of it). */
const LIVE_FLUSH_MS = 15_000;
/** How often ended tokens are pruned. */
const PRUNE_MS = 3_600_000;
/**
 * After a start, agents that were connected before it come back over a while (their back-off,
 * the kernel's handshake rate): while such returns keep arriving — one within this long — the
 * start's grace goes on for the nodes not back yet (a restart storm is not their silence).
 */
export const RETURN_QUIET_MS = 5_000;
/**
 * The longest a service call of the kernel's gateway waits for storage (a join's durable
 * writes, a delivery's specs): far inside the kernel's 60 s call deadline, whose breach
 * stops the plugin. A slow disk then refuses joins with retryAfterSec instead.
 */
export const STORAGE_WAIT_MS = 20_000;
/** The longest a restart storm extends the start's grace. */
export const RETURN_GRACE_MAX_MS = 600_000;

/**
 * Everything one activation of the nodes plugin holds: the registry, tokens, discovery
 * decisions, the command channel, settings, and the publishers. Made by setup, dropped by
 * deactivate; nothing lives in module scope.
 */
export class NodesRuntime {
  readonly out: PacedPublisher;
  readonly events: NodeEvents;
  readonly settings: SettingsStore;
  readonly registry: NodeRegistry;
  readonly tokens: TokenStore;
  readonly discovery: Discovery;
  readonly commands: CommandChannel;
  readonly live: LiveStore;
  readonly loads: LoadBatcher;
  readonly joining = new JoinGuard();
  /** Slurm's nodes as submit hosts report them (read-only, memory only). */
  readonly slurm: SlurmNodes;
  /** When this activation started (epoch ms): silence before it is not counted against nodes. */
  readonly startedAt = Date.now();
  /** Counters served with the settings. */
  readonly stats = {
    delivered: 0,
    malformed: 0,
    unknownNode: 0,
    stalls: 0,
    ticks: 0,
    /** Nodes the sweeps judged (due on the wheel), in all. */
    judged: 0,
    /** Nodes whose dropped frames the kernel told of (each proved the node alive). */
    droppedByKernel: 0,
    /** Ticks that came over two ticks late (silence not judged in them: deliveries first). */
    heldTicks: 0,
    /** The kernel's lag at the latest delivery and the largest seen, ms. */
    kernelLagMs: 0,
    kernelLagMaxMs: 0,
  };
  /** How long each kind of work held the plugin (status.timings of the settings). */
  readonly timings = new RuntimeTimings();
  private lastTick = Date.now();
  /** The previous tick skipped judging (held late). */
  private heldLast = false;
  private lastLoadFlush = Date.now();
  private lastLiveFlush = Date.now();
  private lastPrune = Date.now();
  private stopping = false;
  /** Waits bounded by {@link within}: the sweep rejects those past their time. */
  private readonly waits = new Set<{ until: number; reject: () => void }>();
  /** Kernel time of the latest return of a node not heard since before this start (0: none yet). */
  private lastReturnAt = 0;
  /**
   * Grace of the restart storm, applied when a node not back yet comes due: silence of the
   * nodes heard before this start counts from here at the earliest (0: no storm seen).
   */
  private stormGraceFrom = 0;
  /**
   * Each node at its next judgement (suspect-at, down-at, a closed session's grace end, a
   * cordon deadline): the sweep visits only the nodes whose time came, not every node.
   */
  readonly wheel = new DeadlineWheel<NodeEntry>(TICK_MS, Date.now());
  /** Storage writes of every part of the plugin go through this bound. */
  readonly writes = new WriteLimiter();
  /** The plugin's ctx with storage writes bounded in flight (what every part receives). */
  readonly ctx: PluginContext;

  constructor(raw: PluginContext) {
    const writes = this.writes;
    const storage = raw.storage;
    const limited = {
      ...storage,
      set: (collection: string, id: string, value: unknown, opts?: { expectedVersion?: number }) =>
        writes.run(() => storage.set(collection, id, value, opts)),
      delete: (collection: string, id: string, opts?: { expectedVersion?: number }) =>
        writes.run(() => storage.delete(collection, id, opts)),
    } as PluginContext['storage'];
    const ctx = Object.freeze({ ...raw, storage: Object.freeze(limited) }) as PluginContext;
    this.ctx = ctx;
    /** A join's writes: ahead of every waiting write. */
    const urgentSet: UrgentSet = (collection, id, value) =>
      writes.run(() => storage.set(collection, id, value), true);
    this.out = new PacedPublisher(ctx);
    this.events = new NodeEvents(this.out);
    this.settings = new SettingsStore(ctx);
    this.registry = new NodeRegistry(ctx, this.events, () => this.settings.current.historyMax, urgentSet);
    this.tokens = new TokenStore(ctx, urgentSet);
    this.discovery = new Discovery(ctx);
    this.commands = new CommandChannel(ctx);
    this.live = new LiveStore(ctx);
    this.loads = new LoadBatcher(this.out);
    this.slurm = new SlurmNodes((name) => this.registry.nameOwner(name) !== undefined);
    this.registry.onChange = (e) => this.schedule(e);
  }

  /**
   * Puts a node on the wheel at its next judgement: after anything that can bring that time
   * earlier (a state change, a closed session, a cordon deadline, new settings). Frames only
   * move it later and need no call: a node that comes due early is judged and put back.
   */
  schedule(e: NodeEntry): void {
    const judge = nextJudgement(e, this.settings.current);
    const c = e.record.cordon;
    const hold = c?.deadline && !e.record.drain ? Date.parse(c.deadline) : Number.NaN;
    const at = Number.isFinite(hold) ? Math.min(hold, judge ?? hold) : judge;
    this.wheel.schedule(e, at);
  }

  /** Puts every node on the wheel again (new settings, a stall that shifted silence). */
  rescheduleAll(): void {
    for (const e of this.registry.entries()) this.schedule(e);
  }

  /** A node of the registry or a Slurm node, by id or name (an agent's node wins a name). */
  findNode(ref: string): NodeEntry | undefined {
    return this.registry.find(ref) ?? this.slurm.find(ref);
  }

  /** Every node — agents' and Slurm's — sorted by name (then id): the order lists page in. */
  allNodes(): NodeEntry[] {
    const a = this.registry.sortedByName();
    const b = this.slurm.sortedByName();
    if (b.length === 0) return a as NodeEntry[];
    const out: NodeEntry[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      const x = a[i];
      const y = b[j];
      if (y === undefined || (x !== undefined && before(x, y))) {
        out.push(x as NodeEntry);
        i++;
      } else {
        out.push(y);
        j++;
      }
    }
    return out;
  }

  /**
   * Loads everything earlier activations stored. Nodes that were ready or suspect get a fresh
   * grace period from now (the kernel was not listening while it was down), keeping when and
   * from where they were last heard for the reasons; sessions the kernel still holds (only
   * this plugin restarted) are picked up from `ctx.agents.connections()`.
   */
  async start(): Promise<void> {
    await this.settings.load();
    const loaded = await this.registry.load();
    await this.tokens.load(this.startedAt);
    await this.discovery.load();
    const restored = await this.live.restore().catch(() => new Map());
    for (const e of this.registry.entries()) {
      const p = restored.get(e.record.id);
      if (p) {
        e.live.at = p.at;
        if (p.remote) e.live.remote = p.remote;
        if (p.load) e.live.load = p.load;
        if (p.loadAt) e.live.loadAt = p.loadAt;
      }
      // Counted from when the registry is loaded: loading a large one takes a while.
      e.live.graceFrom = Date.now();
    }
    const conns = await this.ctx.agents.connections().catch(() => []);
    for (const c of conns) {
      const e = this.registry.get(c.node);
      if (!e) continue;
      e.live.conn = c.conn;
      e.live.remote = c.remote;
      e.live.at = Math.max(e.live.at, c.lastFrameAt);
    }
    this.rescheduleAll();
    this.lastTick = Date.now();
    this.ctx.log
      .info('nodes started', { ...loaded, tokens: this.tokens.list().length, connected: conns.length })
      .catch(() => {});
  }

  /**
   * `p`, or a rejection (OMEGA_ERR_UNAVAILABLE, `what` in its message) when it has not settled
   * after `ms` — checked by the sweep each second, so a stuck write cannot hold a gateway call
   * until the kernel's deadline stops the plugin. `p` itself goes on.
   */
  within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const w = {
        until: Date.now() + ms,
        reject: () =>
          reject(pluginError('OMEGA_ERR_UNAVAILABLE', `${what} took over ${ms / 1000} s; retry.`)),
      };
      this.waits.add(w);
      p.then(
        (v) => {
          this.waits.delete(w);
          resolve(v);
        },
        (err: unknown) => {
          this.waits.delete(w);
          reject(err);
        },
      );
    });
  }

  /**
   * The kernel said its oldest undelivered event is `ms` old: silence is judged only up to
   * that long ago (what it still holds or dropped is no node's silence). Each delivery says
   * it again; a kernel caught up says ~0.
   */
  kernelBehind(ms: number): void {
    const lag = Math.max(0, ms);
    this.stats.kernelLagMs = lag;
    if (lag > this.stats.kernelLagMaxMs) this.stats.kernelLagMaxMs = lag;
  }

  /** Applies evidence to a node and records the state change it implies. */
  judge(e: NodeEntry, ev: Evidence, source?: string): Transition | undefined {
    if (
      (ev.type === 'connected' || ev.type === 'frame') &&
      e.live.at < this.startedAt &&
      ev.at >= this.startedAt
    )
      this.lastReturnAt = Math.max(this.lastReturnAt, ev.at);
    const t = judgeEvidence(e, ev, this.settings.current);
    if (t) this.registry.transition(e, t, 'nodes', source);
    // A close starts the grace that may end before silence would (a transition rescheduled already).
    else if (ev.type === 'closed') this.schedule(e);
    return t;
  }

  /** Judges one node's silence at kernel time `at` (before a close is weighed). */
  sweepOne(e: NodeEntry, at: number): void {
    const t = judgeSilence(e, at, this.settings.current);
    if (t) this.registry.transition(e, t);
  }

  /** The periodic sweep (every {@link TICK_MS}). */
  async tick(now = Date.now()): Promise<void> {
    if (this.stopping) return;
    this.stats.ticks++;
    const gap = now - this.lastTick;
    this.lastTick = now;
    if (gap > STALL_MS) {
      // The sweep did not run for `gap` ms (the host was starved, or the clock jumped): that is
      // not the nodes' silence. Count their silence from where it was, shifted by the gap.
      this.stats.stalls++;
      for (const e of this.registry.entries())
        e.live.graceFrom = Math.max(e.live.at, e.live.graceFrom ?? 0) + gap - TICK_MS;
      this.rescheduleAll();
      this.ctx.log.warn('nodes: the sweep stalled; node silence shifted', { gapMs: gap }).catch(() => {});
    }
    for (const w of this.waits)
      if (now >= w.until) {
        this.waits.delete(w);
        w.reject();
      }
    // Held past two ticks (the host busy or starved): deliveries that waited behind it go first,
    // with the kernel's lag in them; silence is judged from the next tick on.
    // Never two in a row: a host late every tick still judges every other tick.
    const held = gap > 2 * TICK_MS && gap <= STALL_MS && !this.heldLast;
    this.heldLast = held;
    if (held) this.stats.heldTicks++;
    this.timings.time('tick', () => this.sweep(now, !held));
    const s = this.settings.current;
    // Loads go out every loadPublishMs (longer for a fleet whose loads would outrun the publish
    // budget), spread over the ticks of the period (a slice a tick).
    const period = this.loads.periodMs(s.loadPublishMs);
    const slice = Math.max(LOAD_SLICE_MIN, Math.ceil(this.registry.size / Math.max(1, period / TICK_MS)));
    if (now - this.lastLoadFlush >= period) {
      this.lastLoadFlush = now;
      this.timings.time('loadFlush', () => this.loads.flush(now, slice));
    } else this.timings.time('loadFlush', () => this.loads.drain(slice));
    this.out.pump();
    if (now - this.lastLiveFlush >= LIVE_FLUSH_MS) {
      this.lastLiveFlush = now;
      void this.timings.time('liveFlush', () => this.live.flush((id) => this.registry.get(id)?.live));
    }
    if (now - this.lastPrune >= PRUNE_MS) {
      this.lastPrune = now;
      await this.tokens.prune(now);
    }
  }

  /** One sweep: silence, cordon deadlines, command deadlines, Slurm's submit hosts. */
  private sweep(now: number, judge = true): void {
    const s = this.settings.current;
    // A restart storm: nodes heard before this start are still coming back. Those not back yet
    // keep their grace from start while returns go on (bounded), so none is judged silent for
    // the time the kernel took to admit the others.
    const storm =
      this.lastReturnAt > 0 &&
      now - this.lastReturnAt <= RETURN_QUIET_MS &&
      now - this.startedAt <= RETURN_GRACE_MAX_MS;
    if (storm) this.stormGraceFrom = now - TICK_MS;
    // Silence is counted only up to what the kernel has handed over (its lag at the latest delivery).
    const at = now - this.stats.kernelLagMs;
    const due = judge ? this.wheel.take(at) : [];
    // Past the slice: due still, judged by the next sweeps (a second later each).
    for (let i = JUDGE_SLICE; i < due.length; i++) this.wheel.schedule(due[i] as NodeEntry, at);
    if (due.length > JUDGE_SLICE) due.length = JUDGE_SLICE;
    this.stats.judged += due.length;
    for (const e of due) {
      if (this.registry.get(e.record.id) !== e) continue; // removed since it was scheduled
      if (this.stormGraceFrom > 0 && e.live.at < this.startedAt && e.live.graceFrom !== undefined)
        e.live.graceFrom = Math.max(e.live.graceFrom, this.stormGraceFrom);
      const t = judgeSilence(e, at, s);
      if (t) this.registry.transition(e, t);
      this.expireHold(e, now);
      if (!t) this.schedule(e);
    }
    this.commands.sweep(now);
    for (const host of this.slurm.sweep(now, (id) => this.registry.get(id)))
      this.ctx.log.info('nodes: Slurm nodes of a submit host dropped', { submitNode: host }).catch(() => {});
  }

  /** Writes live state (graceful stop). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.loads.flush(Date.now());
    this.out.pump();
    await this.live.flush((id) => this.registry.get(id)?.live);
  }

  /** A cordon whose deadline passed ends by itself. */
  private expireHold(e: NodeEntry, now: number): void {
    const c = e.record.cordon;
    if (!c?.deadline || e.record.drain || Date.parse(c.deadline) > now) return;
    delete e.record.cordon;
    e.record.specVersion++;
    const reason = `cordon deadline ${c.deadline} passed`;
    this.registry.recordHold(e, 'uncordoned', reason, 'nodes', isoTime(now));
    this.registry.save(e).catch(() => {});
    this.events.change('uncordoned', e.record, undefined, {
      hold: { by: 'nodes', reason, at: isoTime(now) },
    });
    this.events.audit({
      actor: 'nodes',
      action: 'uncordon',
      outcome: 'success',
      target: e.record.id,
      details: { name: e.record.name, reason },
    });
  }
}

const before = (x: NodeEntry, y: NodeEntry): boolean =>
  x.record.name < y.record.name || (x.record.name === y.record.name && x.record.id < y.record.id);
