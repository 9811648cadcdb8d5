import type { AgentReportEvent, NodeEvent, NodesServices } from '@omega/plugin-nodes/contract';
import type { PluginContext } from '@omega/sdk';
import type {
  LatencyCell,
  LinkStatus,
  NodeQuality,
  QualityGrade,
  ResourceSummaryView,
  ResourcesEvents,
} from './contract.js';
import { DetailFetcher } from './detail/detail-fetcher.js';
import { RESOURCES_TOPICS } from './event-topics.js';
import { NodeDirectory } from './fleet/node-directory.js';
import { KERNEL, matrixCells, nodeQuality, type ProbeEntry } from './network/latency-matrix.js';
import { type ProbeTarget, planProbes } from './network/plan-probes.js';
import { PlanSender } from './network/plan-sender.js';
import { findProblems } from './problems/find-problems.js';
import { ProblemTracker } from './problems/problem-tracker.js';
import { type InterfacesReportView, readInterfaces } from './reports/read-interfaces.js';
import { readProbe } from './reports/read-probe.js';
import { readSummary } from './reports/read-summary.js';
import { interfaceSeries, probeSeries, qualitySeries } from './series/network-series.js';
import { SeriesBatcher } from './series/series-batcher.js';
import { summarySeries } from './series/summary-series.js';
import { SettingsStore } from './settings/settings-store.js';

/** States whose nodes peers keep probing (a node that left or was removed is dropped). */
const PROBED_STATES: ReadonlySet<string> = new Set(['ready', 'suspect', 'down']);
/** The runtime's period: flushes, link judgements, plans. */
export const TICK_MS = 2_000;
/** The registry is read whole this often (events patch it in between). */
const REFRESH_MS = 300_000;

type Ctx = PluginContext<{
  events: ResourcesEvents;
  calls: { 'nodes.registry': NodesServices['registry']; 'nodes.command': NodesServices['command'] };
}>;

/** A report as kept: the reader's view and when it arrived (kernel clock). */
export interface Kept<T> {
  view: T;
  receivedAt: number;
}

/**
 * Everything one activation holds: the node directory, the newest report of each kind per
 * node, problems, probe plans, the detail fetcher and the publishers. Made by setup, dropped by
 * deactivate; nothing lives in module scope.
 */
export class ResourcesRuntime {
  readonly directory: NodeDirectory;
  readonly settings: SettingsStore;
  readonly summaries = new Map<string, Kept<ResourceSummaryView>>();
  readonly interfaces = new Map<string, Kept<InterfacesReportView>>();
  readonly probes = new Map<string, ProbeEntry>();
  readonly problems = new ProblemTracker();
  readonly plans: PlanSender;
  readonly detail: DetailFetcher;
  readonly stats = { reports: 0, malformed: 0, unknownNode: 0, published: 0, publishFailed: 0 };
  private readonly series = new SeriesBatcher();
  private readonly links = new Map<string, LinkStatus>();
  private readonly grades = new Map<string, QualityGrade>();
  private updatedResources = new Set<string>();
  private updatedNetwork = new Set<string>();
  private planDirty = true;
  private plannedAt = 0;
  private epoch = -1;
  private key: { key: string; keyId: number } | undefined;
  /** Rounds between two probe reports, as each node's plan says (for staleness). */
  private readonly plannedReportRounds = new Map<string, number>();

  constructor(readonly ctx: Ctx) {
    this.directory = new NodeDirectory((args) => ctx.services.call('nodes.registry', args));
    this.settings = new SettingsStore(ctx);
    const command = (args: NodesServices['command']['args']) => ctx.services.call('nodes.command', args);
    this.plans = new PlanSender(command, 30_000, (node, message) =>
      this.log('warn', 'resources: a probe plan was not applied; retrying', { node, error: message }),
    );
    this.detail = new DetailFetcher(command);
  }

  /** Loads settings and the probe key, reads the registry (the nodes plugin may still be starting). */
  async start(): Promise<void> {
    await this.settings.load();
    this.key = await this.settings.probeKey();
    await this.refresh(Date.now());
  }

  /** A `nodes.agent.report` event. */
  onReport(e: AgentReportEvent, now = Date.now()): void {
    if (typeof e?.node !== 'string' || typeof e.topic !== 'string') return;
    if (e.topic !== 'resources.summary' && e.topic !== 'net.interfaces' && e.topic !== 'net.probe') return;
    const node = this.directory.heard(e.node);
    if (!node) {
      this.stats.unknownNode++;
      return;
    }
    this.stats.reports++;
    if (e.topic === 'resources.summary') {
      const view = readSummary(e.data);
      if (!view) return void this.stats.malformed++;
      this.summaries.set(node.id, { view, receivedAt: now });
      this.series.add(node.name, summarySeries(view));
      const changes = this.problems.update(
        node.id,
        findProblems(view, this.settings.current.thresholds),
        now,
      );
      for (const p of changes.raised)
        this.publish(RESOURCES_TOPICS.problemRaised, { ...p, node: node.id, name: node.name });
      for (const p of changes.cleared)
        this.publish(RESOURCES_TOPICS.problemCleared, { ...p, node: node.id, name: node.name });
      this.updatedResources.add(node.id);
    } else if (e.topic === 'net.interfaces') {
      const view = readInterfaces(e.data);
      if (!view) return void this.stats.malformed++;
      this.interfaces.set(node.id, { view, receivedAt: now });
      this.series.add(node.name, interfaceSeries(view));
      this.updatedNetwork.add(node.id);
    } else {
      const view = readProbe(e.data);
      if (!view) return void this.stats.malformed++;
      const before = this.probes.get(node.id)?.report.listen;
      this.probes.set(node.id, {
        report: view,
        receivedAt: now,
        timeoutMs: this.settings.current.probe.timeoutMs,
        reportEveryRounds: view.plan === null ? 1 : (this.plannedReportRounds.get(node.id) ?? 1),
      });
      if (before?.address !== view.listen?.address || before?.port !== view.listen?.port || !before)
        this.planDirty = true;
      this.plans.observed(node.id, view.plan, now);
      this.updatedNetwork.add(node.id);
    }
  }

  /** A `nodes.node.<change>` event. */
  onNodeEvent(topic: string, e: NodeEvent): void {
    const change = topic.slice('nodes.node.'.length);
    const before = this.directory.get(e?.id)?.state;
    if (this.directory.apply(change, e)) this.forget(e.id);
    if (before !== this.directory.get(e?.id)?.state) this.planDirty = true;
  }

  /** The periodic work: registry refresh, plans, link judgements, events and series. */
  async tick(now = Date.now()): Promise<void> {
    if (now - this.directory.refreshedAt >= REFRESH_MS) await this.refresh(now);
    this.replan(now);
    this.plans.pump(now);
    if (this.updatedNetwork.size > 0) this.judgeNetwork(now);
    if (this.updatedResources.size > 0) {
      this.publish(RESOURCES_TOPICS.updated, { at: now, nodes: [...this.updatedResources] });
      this.updatedResources = new Set();
    }
    for (const ev of this.series.flush(now)) this.publish(RESOURCES_TOPICS.series, ev);
  }

  /** Every cell of the latency matrix, judged now. */
  cells(now = Date.now()): LatencyCell[] {
    return matrixCells(this.probes, now, this.settings.current.thresholds);
  }

  /** The quality of every node with measured links (or of `only`). */
  qualities(cells: readonly LatencyCell[], only?: ReadonlySet<string>): NodeQuality[] {
    const byNode = new Map<string, LatencyCell[]>();
    const add = (n: string, c: LatencyCell) => {
      if (n === KERNEL || (only && !only.has(n))) return;
      const list = byNode.get(n);
      if (list) list.push(c);
      else byNode.set(n, [c]);
    };
    for (const c of cells) {
      add(c.from, c);
      if (c.to !== c.from) add(c.to, c);
    }
    const name = (id: string) => this.directory.name(id);
    return [...byNode.entries()].map(([n, list]) => nodeQuality(n, name(n), list, name));
  }

  /** Settings changed: plans and problems follow. */
  settingsChanged(): void {
    this.planDirty = true;
    for (const [id, s] of this.summaries) {
      const name = this.directory.name(id);
      const changes = this.problems.update(
        id,
        findProblems(s.view, this.settings.current.thresholds),
        Date.now(),
      );
      for (const p of changes.raised) this.publish(RESOURCES_TOPICS.problemRaised, { ...p, node: id, name });
      for (const p of changes.cleared)
        this.publish(RESOURCES_TOPICS.problemCleared, { ...p, node: id, name });
    }
  }

  private replan(now: number): void {
    const s = this.settings.current.probe;
    const epoch = Math.floor(now / Math.max(s.windowMs, s.intervalMs));
    if (!this.key || (!this.planDirty && epoch === this.epoch) || now - this.plannedAt < TICK_MS) return;
    this.planDirty = false;
    this.epoch = epoch;
    this.plannedAt = now;
    if (!s.enabled) {
      this.plans.setDesired(new Map());
      return;
    }
    const probers: Array<{ id: string }> = [];
    const targets: ProbeTarget[] = [];
    for (const [id, p] of this.probes) {
      const n = this.directory.get(id);
      // A node the kernel lost stays a target (its peers then show whether only the kernel's
      // link is cut, or the node is gone: loss 100 %, unreachable); only a connected one probes.
      if (!n || !PROBED_STATES.has(n.state)) continue;
      if (n.state === 'ready') probers.push({ id });
      if (p.report.listen?.address)
        targets.push({ id, name: n.name, address: p.report.listen.address, port: p.report.listen.port });
    }
    const plans = planProbes(probers, targets, s, this.key, epoch);
    for (const [id, body] of plans) this.plannedReportRounds.set(id, body.reportEveryRounds);
    this.plans.setDesired(plans);
  }

  private judgeNetwork(now: number): void {
    const updated = this.updatedNetwork;
    this.updatedNetwork = new Set();
    const cells = this.cells(now);
    const seen = new Set<string>();
    for (const c of cells) {
      const k = `${c.from}>${c.to}`;
      seen.add(k);
      const before = this.links.get(k);
      if (before !== c.status) {
        this.links.set(k, c.status);
        if (before !== undefined || c.status !== 'ok')
          this.publish(RESOURCES_TOPICS.linkChanged, {
            from: c.from,
            to: c.to,
            status: c.status,
            ...(before ? { previous: before } : {}),
            reason: c.reason,
          });
      }
    }
    for (const k of [...this.links.keys()]) if (!seen.has(k)) this.links.delete(k);
    for (const id of updated) {
      const own = cells.filter((c) => c.from === id);
      if (own.length > 0)
        this.series.add(
          this.directory.name(id),
          probeSeries(own, (p) => this.directory.name(p)),
        );
    }
    for (const q of this.qualities(cells)) {
      const before = this.grades.get(q.node);
      if (before !== q.grade) {
        this.grades.set(q.node, q.grade);
        this.publish(RESOURCES_TOPICS.nodeQuality, {
          node: q.node,
          name: q.name,
          grade: q.grade,
          ...(before ? { previous: before } : {}),
          reason: q.reason,
        });
      }
      if (updated.has(q.node)) this.series.add(q.name, qualitySeries(q));
    }
    this.publish(RESOURCES_TOPICS.networkUpdated, { at: now, nodes: [...updated] });
  }

  private async refresh(now: number): Promise<void> {
    try {
      const gone = await this.directory.refresh(now);
      for (const id of gone) this.forget(id);
      this.planDirty = true;
    } catch (err) {
      // The nodes plugin may not run yet: read again at the next tick.
      this.directory.refreshedAt = now - REFRESH_MS + 10_000;
      this.log('warn', 'resources: the node registry could not be read; retrying', {
        code: (err as { code?: string })?.code ?? 'error',
      });
    }
  }

  private forget(id: string): void {
    this.summaries.delete(id);
    this.interfaces.delete(id);
    this.probes.delete(id);
    this.grades.delete(id);
    this.plannedReportRounds.delete(id);
    for (const p of this.problems.forget(id))
      this.publish(RESOURCES_TOPICS.problemCleared, { ...p, node: id, name: id });
    this.planDirty = true;
  }

  /** Publishes an event; a failure is counted and logged, never thrown into a handler. */
  publish<K extends keyof ResourcesEvents>(topic: K, data: ResourcesEvents[K]): void {
    this.ctx.events.publish(topic, data).then(
      () => {
        this.stats.published++;
      },
      (err: { code?: string }) => {
        this.stats.publishFailed++;
        this.log('warn', 'resources: publish failed', { topic, code: err?.code ?? 'error' });
      },
    );
  }

  private log(level: 'info' | 'warn', msg: string, fields: Record<string, unknown>): void {
    this.ctx.log[level](msg, fields).catch(() => {});
  }
}
