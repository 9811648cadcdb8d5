import { AlertEngine, type AlertEvent } from './alerts/alert-engine.js';
import { AlertHistory } from './alerts/alert-history.js';
import { AlertSilencing } from './alerts/alert-silencing.js';
import { RuleStore } from './alerts/rule-store.js';
import { SampleDeriver, type SamplePromName } from './collect/derive-samples.js';
import type { SystemArea, SystemAreaData, Topology } from './collect/host-data.js';
import { ingestSeries } from './collect/ingest-series.js';
import { ingestNodeLoads, type RemoteSnapshot } from './collect/node-loads.js';
import { readAreas } from './collect/read-areas.js';
import { METRICS_TOPICS } from './event-topics.js';
import type { MetricsHost, SystemReading } from './metrics-host.js';
import { nodeIdFrom } from './node-id.js';
import { HistoryPersister } from './persist/history-persister.js';
import type { NodeSnapshot } from './prometheus/render-prometheus.js';
import { SERIES_CATALOG } from './series/series-catalog.js';
import { SessionSeriesStore } from './sessions/session-series.js';
import { MetricStore, type SeriesEntry } from './store/metric-store.js';

/** How soon a failed topology read is tried again, ms (a read that succeeded: once a period). */
const TOPOLOGY_RETRY_MS = 10_000;
/**
 * Areas read on every collection. `gpu` too while the host has GPUs; without any it is
 * re-checked every `gpuRecheckMs` (the kernel reads GPUs through systeminformation, ~24 ms
 * of CPU per read with spawned tools, which would be half a percent of a core for nothing).
 * `temperature` likewise while the host has sensors; without any (most VMs) it is re-checked
 * every `sensorRecheckMs` (one host call a second saved for an answer that is always empty).
 * Topology is read every `topologyEveryMs`, and at once when the cpu reading shows another
 * number of cores (a CPU taken offline or brought back).
 */
export const SAMPLED_AREAS = ['cpu', 'memory', 'disk', 'network', 'temperature', 'gpu'] as const;

/** Tunables of {@link MetricsService}. */
export interface MetricsOptions {
  maxSeries?: number;
  /**
   * How often the topology is re-read to notice a change the core count does not show (default
   * 60 s; a change of core count is noticed at the next collection). Each read is a host call.
   */
  topologyEveryMs?: number;
  /** How often a host without GPUs is asked again whether it has some (default 5 min). */
  gpuRecheckMs?: number;
  /** How often a host without temperature sensors is asked again whether it has some (default 60 s). */
  sensorRecheckMs?: number;
  /** Alert history entries kept (default 1000). */
  historyMax?: number;
}

/** Counters about the collector itself (served with the series list). */
export interface CollectorStats {
  collections: number;
  skipped: number;
  readFailures: number;
  lastDurationMs: number;
  lastSeries: number;
  /** Samples recorded from `resources.series` events, and samples refused from them. */
  ingested: number;
  ingestRefused: number;
}

/**
 * The metrics runtime: collects the host's areas each second through the system capability,
 * keeps tiered history per series (keyed by node), persists it in batches, evaluates alert
 * rules, and publishes samples, topology changes and alerts. All IO goes through `host`.
 */
export class MetricsService {
  readonly store: MetricStore;
  readonly engine = new AlertEngine();
  readonly rules: RuleStore;
  readonly history: AlertHistory;
  /** Acknowledgements and silences of alerts. */
  readonly silencing: AlertSilencing;
  readonly persister: HistoryPersister;
  /** The node this kernel's host is recorded as. */
  node = 'local';
  /** Newest snapshot per node. */
  readonly latest = new Map<string, NodeSnapshot>();
  /** Newest load of each remote node (from `nodes.load`). */
  readonly remote = new Map<string, RemoteSnapshot>();
  /** Remote load batches and node entries recorded. */
  readonly remoteStats = { batches: 0, nodes: 0 };
  /** Ids of the series {@link ingest} recorded (bounded by the store's cap on remote series). */
  private readonly ingestedIds = new Set<string>();
  /** Compute sessions' usage, as series keyed by `session` (from `sessions.usage`). */
  readonly sessions = new SessionSeriesStore();
  /** Session usage batches and rows recorded. */
  readonly sessionStats = { batches: 0, rows: 0 };
  readonly stats: CollectorStats = {
    collections: 0,
    skipped: 0,
    readFailures: 0,
    lastDurationMs: 0,
    lastSeries: 0,
    ingested: 0,
    ingestRefused: 0,
  };
  private readonly deriver = new SampleDeriver();
  /** The store entries of the deriver's layout (resolved once per layout and node). */
  private lane: { node: string; version: number; entries: (SeriesEntry | undefined)[] } | undefined;
  /** The exposition name of each of the collector's series, by series id (GET /series `prom`). */
  private promById = new Map<string, SamplePromName>();
  /** The entries of {@link promById} the next `metrics.sample` carries: new or renamed series. */
  private promPending: Record<string, SamplePromName> | undefined;
  private readonly topologyEveryMs: number;
  private readonly gpuRecheckMs: number;
  private readonly sensorRecheckMs: number;
  private gpuReadAt = Number.NEGATIVE_INFINITY;
  private hasGpus = false;
  private sensorReadAt = Number.NEGATIVE_INFINITY;
  private hasSensors = false;
  /** The newest sensor-less temperature answer, kept in the snapshot on the seconds it is not read. */
  private noSensors: SystemAreaData['temperature'] | undefined;
  private topology: Topology | undefined;
  private topologyReadAt = Number.NEGATIVE_INFINITY;
  private topologyKey = '';
  /** The number of cores in the previous cpu reading (a change re-reads the topology at once). */
  private cores: number | undefined;
  private running = false;
  private readonly areaErrors = new Map<string, string>();

  constructor(
    private readonly host: MetricsHost,
    opts: MetricsOptions = {},
  ) {
    this.store = new MetricStore(opts.maxSeries);
    this.rules = new RuleStore(host.storage);
    this.history = new AlertHistory(host.storage, opts.historyMax);
    this.silencing = new AlertSilencing(host.storage, this.engine, {
      publish: (topic, data) => this.publish(topic, data),
      now: () => host.now(),
    });
    this.persister = new HistoryPersister(host.storage, this.store, (err) =>
      host.log('warn', 'metrics history write failed', { error: describe(err) }),
    );
    this.topologyEveryMs = opts.topologyEveryMs ?? 60_000;
    this.gpuRecheckMs = opts.gpuRecheckMs ?? 300_000;
    this.sensorRecheckMs = opts.sensorRecheckMs ?? 60_000;
  }

  /** The clock the service uses (epoch ms). */
  now(): number {
    return this.host.now();
  }

  /** Names the node, restores history, rules and alert history. */
  async start(): Promise<void> {
    const saved = await this.host.storage.get('settings', 'node');
    const savedId = (saved?.value as { id?: unknown } | undefined)?.id;
    if (typeof savedId === 'string') this.node = savedId;
    else {
      await this.readTopology(this.host.now());
      this.node = nodeIdFrom(this.topology?.hostname);
      await this.host.storage.set('settings', 'node', { id: this.node });
    }
    const now = this.host.now();
    const restored = await this.persister.restore(now);
    for (const r of await this.rules.load()) this.engine.setRule({ id: r.id, spec: r.value }, now);
    await this.history.load();
    await this.silencing.load();
    this.host.log('info', 'metrics started', {
      node: this.node,
      ...restored,
      rules: this.engine.ruleIds().length,
    });
  }

  /** Writes the minute in progress (graceful stop). */
  async stop(): Promise<void> {
    await this.persister.flushNow();
  }

  /**
   * The areas a timer tick should carry for the next collections (`ctx.timers.every`'s
   * `sample`): the four read every second, plus temperature and gpu while the host has them.
   * The occasional re-checks of absent ones are read by collect() itself.
   */
  tickAreas(): SystemArea[] {
    return SAMPLED_AREAS.filter(
      (a) => (a !== 'gpu' || this.hasGpus) && (a !== 'temperature' || this.hasSensors),
    );
  }

  /**
   * One collection; skipped (and counted) while the previous one is still running. `reading`:
   * what the timer tick carried (its areas are not read again; any other area due is).
   */
  async collect(reading?: SystemReading): Promise<void> {
    if (this.running) {
      this.stats.skipped++;
      return;
    }
    this.running = true;
    try {
      await this.collectOnce(reading);
    } finally {
      this.running = false;
    }
  }

  private async collectOnce(reading: SystemReading | undefined): Promise<void> {
    const host = this.host;
    const at = host.now();
    const areas: SystemArea[] = SAMPLED_AREAS.filter((a) =>
      a === 'gpu'
        ? this.hasGpus || at - this.gpuReadAt >= this.gpuRecheckMs
        : a !== 'temperature' || this.hasSensors || at - this.sensorReadAt >= this.sensorRecheckMs,
    );
    if (areas.includes('gpu')) this.gpuReadAt = at;
    if (areas.includes('temperature')) this.sensorReadAt = at;
    const results = await readAreas(host, areas, reading);
    const data: Partial<SystemAreaData> = {};
    results.forEach((r, i) => {
      const area = areas[i] as SystemArea;
      if (area === 'gpu' && r.status === 'fulfilled')
        this.hasGpus = ((r.value as SystemAreaData['gpu']).gpus?.length ?? 0) > 0;
      if (area === 'temperature' && r.status === 'fulfilled') {
        const t = r.value as SystemAreaData['temperature'];
        this.hasSensors = (t.sensors?.length ?? 0) > 0 || (t.cpu?.cores?.length ?? 0) > 0;
        this.noSensors = this.hasSensors ? undefined : t;
      }
      if (r.status === 'fulfilled') {
        (data as Record<string, unknown>)[area] = r.value;
        this.areaErrors.delete(area);
      } else this.areaFailed(area, r.reason);
    });
    if (!areas.includes('temperature') && this.noSensors) data.temperature = this.noSensors;
    const cores = data.cpu?.cores?.length;
    const coresChanged = cores !== undefined && this.cores !== undefined && cores !== this.cores;
    if (cores !== undefined) this.cores = cores;
    if (coresChanged || at - this.topologyReadAt >= this.topologyEveryMs) await this.readTopology(at);
    if (this.topology) data.topology = this.topology;
    const node = this.node;
    const samples = this.deriver.derive(data);
    const layout = this.deriver.layout;
    const entries = this.entriesOf(node);
    this.latest.set(node, { node, at, data, samples, layout });
    this.store.recordResolved(entries, at, samples);
    this.persister.afterSample(node, at);
    // Each value once, by series id (`name{node="…",label="…"}`: the id /series, /latest and
    // /query use, so a consumer needs no second form). The exposition names of the series
    // (`prom`, by id) ride along only for series new or renamed; GET /series lists them all.
    const values: Record<string, number> = {};
    for (let i = 0; i < samples.length; i++) {
      const e = entries[i];
      if (e !== undefined) values[e.id] = (samples[i] as { value: number }).value;
    }
    const prom = this.promPending;
    this.promPending = undefined;
    this.publish(METRICS_TOPICS.sample, prom ? { node, at, values, prom } : { node, at, values });

    for (const ev of this.engine.evaluate(this.store, at)) this.alert(ev);
    await this.silencing
      .tick(at)
      .catch((err) => host.log('warn', 'silence bookkeeping failed', { error: describe(err) }));
    this.stats.collections++;
    this.stats.lastSeries = samples.length;
    this.stats.lastDurationMs = host.now() - at;
  }

  /** The exposition name of one of the collector's series (by id), as `metrics.sample` sent it. */
  promOf(id: string): SamplePromName | undefined {
    return this.promById.get(id);
  }

  /**
   * The store entries of the deriver's newest layout for `node`: resolved again (ids built,
   * series created) only when the layout or the node changed; the series new or renamed since
   * the previous layout are what the next `metrics.sample` carries in `prom` (all of them the
   * first time), so a host whose interfaces come and go re-sends only those.
   */
  private entriesOf(node: string): (SeriesEntry | undefined)[] {
    const version = this.deriver.layoutVersion;
    if (this.lane?.node === node && this.lane.version === version) return this.lane.entries;
    const layout = this.deriver.layout;
    const entries = this.store.resolve(node, layout);
    const before = this.lane?.node === node ? this.promById : new Map<string, SamplePromName>();
    const prom = new Map<string, SamplePromName>();
    const fresh: Record<string, SamplePromName> = this.promPending ?? {};
    let any = this.promPending !== undefined;
    entries.forEach((e, i) => {
      const slot = layout[i];
      if (!e || !slot) return;
      prom.set(e.id, slot.prom);
      const was = before.get(e.id);
      if (!was || was.name !== slot.prom.name || !sameLabels(was.labels, slot.prom.labels)) {
        fresh[e.id] = slot.prom;
        any = true;
      }
    });
    this.lane = { node, version, entries };
    this.promById = prom;
    this.promPending = any ? fresh : undefined;
    return entries;
  }

  /**
   * Records the series the resources plugin publishes (`resources.series`: per node, from the
   * agents, keyed by the node's name like `nodes.load`) as compact remote series, so /query,
   * alerts and the Prometheus exposition cover them. Alert rules see them at the next collection.
   */
  ingest(data: unknown): void {
    const r = ingestSeries(data, this.host.now());
    this.stats.ingestRefused += r.refused;
    for (const b of r.batches) {
      // The kernel's own machine (its local agent) already has the collector's series under
      // the same names and labels: those stay the collector's, the rest are added.
      const samples =
        b.node === this.node || nodeIdFrom(b.node) === this.node
          ? b.samples.filter((x) => !Object.hasOwn(SERIES_CATALOG, x.name))
          : b.samples;
      const ids = this.store.record(b.node, b.at, samples, true);
      this.stats.ingested += ids.length;
      for (const id of ids) this.ingestedIds.add(id);
    }
  }

  /**
   * The series recorded from `resources.series` (not the collector's own, nor `nodes.load`'s,
   * which share some names with other labels and have their own Prometheus families).
   */
  *ingestedSeries(): Iterable<SeriesEntry> {
    for (const id of this.ingestedIds) {
      const e = this.store.get(id);
      if (e) yield e;
      else this.ingestedIds.delete(id);
    }
  }

  /** Records a `nodes.load` batch: the remote nodes' loads as compact series keyed by node. */
  ingestLoads(data: unknown): void {
    this.remoteStats.batches++;
    this.remoteStats.nodes += ingestNodeLoads(this.store, this.remote, this.node, data);
  }

  /** Records a `sessions.usage` batch; drops the series of sessions silent past the retention. */
  ingestSessionUsage(data: unknown): void {
    this.sessionStats.batches++;
    this.sessionStats.rows += this.sessions.ingest(data);
    this.sessions.sweep(this.host.now());
  }

  /**
   * Publishes, records and notifies one alert transition (`webhook`: of the rule as it was, when
   * it changed). A transition covered by a silence is published and recorded with `silencedBy`,
   * and notifies nobody.
   */
  alert(ev: AlertEvent, webhook = this.rules.get(ev.rule)?.value.webhook): void {
    const silenced = this.silencing.onTransition(ev);
    this.publish(ev.state === 'firing' ? METRICS_TOPICS.firing : METRICS_TOPICS.resolved, ev);
    this.history
      .add(ev)
      .catch((err) => this.host.log('warn', 'alert history write failed', { error: describe(err) }));
    if (webhook && !silenced) this.notify(webhook, ev);
  }

  private notify(url: string, ev: AlertEvent): void {
    const body = JSON.stringify({ version: 1, status: ev.state, alert: ev });
    this.host
      .fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, timeoutMs: 5_000 })
      .then((res) => {
        if (res.status >= 300)
          this.host.log('warn', 'alert webhook answered an error', { url, status: res.status });
      })
      .catch((err) => this.host.log('warn', 'alert webhook failed', { url, error: describe(err) }));
  }

  private async readTopology(at: number): Promise<void> {
    this.topologyReadAt = at;
    try {
      const t = (await this.host.readSystem('topology')) as Topology;
      const key = JSON.stringify([t.logicalCores, t.cpus, t.numaNodes]);
      const changed = this.topologyKey !== '' && key !== this.topologyKey;
      this.topology = t;
      this.topologyKey = key;
      if (changed) this.publish(METRICS_TOPICS.topology, { node: this.node, at, topology: t });
      this.areaErrors.delete('topology');
    } catch (err) {
      // A failed read is retried in TOPOLOGY_RETRY_MS, not a whole period later.
      this.topologyReadAt = at - this.topologyEveryMs + Math.min(TOPOLOGY_RETRY_MS, this.topologyEveryMs);
      this.areaFailed('topology', err);
    }
  }

  private areaFailed(area: string, err: unknown): void {
    this.stats.readFailures++;
    const what = describe(err);
    if (this.areaErrors.get(area) === what) return;
    this.areaErrors.set(area, what);
    this.host.log('warn', 'metrics area read failed; its series are absent until it recovers', {
      area,
      error: what,
    });
  }

  /** Nothing here waits for a publish's seq: emit spares the kernel and this host an answer per event. */
  private publish(topic: string, data: unknown): void {
    try {
      this.host.emit(topic, data);
    } catch (err) {
      this.host.log('warn', 'publish failed', { topic, error: describe(err) });
    }
  }
}

/** `code: message` of a thrown value (errors cross the sandbox as data). */
export function describe(err: unknown): string {
  if (err !== null && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown };
    return `${typeof e.code === 'string' ? `${e.code}: ` : ''}${typeof e.message === 'string' ? e.message : 'error'}`;
  }
  return String(err);
}

/** True when two optional label sets hold the same pairs. */
function sameLabels(a: Readonly<Record<string, string>> | undefined, b: typeof a): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
