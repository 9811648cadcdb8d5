import type { NodeSummary } from '@omega/plugin-nodes/contract';
import type { NodesCtx } from '../agents/nodes-calls.js';
import type { SessionPlacement } from '../contract.js';
import {
  type Allocation,
  demandOf,
  type Fit,
  freeCapacity,
  schedulePass,
  toPlacementNode,
} from '../placement/index.js';
import type { SessionsRuntime } from '../runtime.js';
import type { SessionRecord } from '../store/session-record.js';
import { describeError } from '../util/describe-error.js';
import { launch } from './launch.js';
import { isActive } from './states.js';

/** Start order: priority (high first), then age, then id. */
export function startOrder(a: SessionRecord, b: SessionRecord): number {
  return (
    b.spec.priority - a.spec.priority ||
    (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0) ||
    (a.id < b.id ? -1 : 1)
  );
}

/** What a session holds on its node, for placement. */
export function allocationOf(r: SessionRecord): Allocation | undefined {
  const p = r.status.placement;
  if (!p || r.spec.target.kind !== 'agents' || !isActive(r.status.state)) return undefined;
  return {
    session: r.id,
    node: p.node,
    millicores: p.millicores,
    cpus: p.cpus ?? [],
    memoryBytes: p.memoryBytes,
    gpus: p.gpus,
  };
}

/** "placed on h1: cores 0,1 (NUMA 0), GPU 0": where a fit puts a session, in words. */
export function describeFit(fit: Fit, name: string): string {
  const parts: string[] = [];
  if (fit.cpus) parts.push(`cores ${fit.cpus.join(',')} (NUMA ${fit.mems?.join(',') ?? '0'})`);
  if (fit.gpus.length > 0) parts.push(`GPU ${fit.gpus.join(',')}`);
  return `placed on ${name}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

/**
 * Places pending sessions. A pass runs when something changed (a session was created or ended,
 * a node changed) or every few seconds while sessions wait; passes never overlap (a wake during
 * a pass runs one more). Agent sessions are placed by {@link schedulePass} on the registry's
 * nodes minus what active sessions hold; Slurm sessions go to a submit host that reported their
 * partition. Every waiting session keeps the reason it waits.
 */
export class Scheduler {
  readonly stats = { passes: 0, placed: 0, lastPassMs: 0, registryFailures: 0 };
  lastPassAt = 0;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly rt: SessionsRuntime) {}

  /** Asks for a pass soon (the next tick, or now when called with `now`). */
  wake(): void {
    this.again = true;
  }

  /** True when a pass was asked for and none ran since. */
  get wanted(): boolean {
    return this.again;
  }

  /**
   * Runs passes until none is wanted; a call during a pass joins it and is answered after a pass
   * that started after the call (so a session created before the call has been considered).
   */
  pass(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.loop();
    return this.running;
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false;
        await this.passOnce().catch((err) =>
          this.rt.log('error', 'sessions: scheduling pass failed', { error: describeError(err) }),
        );
      } while (this.again && !this.rt.stopping);
    } finally {
      this.running = undefined;
    }
  }

  private async passOnce(): Promise<void> {
    const rt = this.rt;
    const started = Date.now();
    this.lastPassAt = started;
    const all = [...rt.store.all()];
    const pending = all.filter((r) => r.status.state === 'pending' && !r.status.placement).sort(startOrder);
    if (pending.length === 0) return;
    let registry: NodeSummary[];
    try {
      registry = (await (rt.ctx as unknown as NodesCtx).services.call('nodes.registry', {})).nodes;
    } catch (err) {
      this.stats.registryFailures++;
      const reason = `waiting for the node registry (${describeError(err)})`;
      for (const r of pending) await rt.locks.run(r.id, () => void rt.lifecycle.move(r, 'pending', reason));
      return;
    }
    this.stats.passes++;
    const byId = new Map(registry.map((n) => [n.id, n]));
    const agents = pending.filter((r) => r.spec.target.kind === 'agents');
    // Slurm's own nodes (mirrored by the nodes plugin from submit hosts) never take agent sessions.
    if (agents.length > 0)
      await this.placeAgents(
        agents,
        registry.filter((n) => n.managedBy === undefined),
        all,
      );
    const slurm = pending.filter((r) => r.spec.target.kind === 'slurm');
    if (slurm.length > 0) await this.placeSlurm(slurm, byId);
    this.stats.lastPassMs = Date.now() - started;
  }

  private async placeAgents(
    queue: SessionRecord[],
    registry: NodeSummary[],
    all: SessionRecord[],
  ): Promise<void> {
    const rt = this.rt;
    const nodes = registry.map((n) => toPlacementNode(n, rt.nodes.holdOf(n.id)));
    const names = new Map(registry.map((n) => [n.id, n.name]));
    const allocations = all.flatMap((r) => allocationOf(r) ?? []);
    const free = freeCapacity(nodes, allocations);
    const records = new Map(queue.map((r) => [r.id, r]));
    const result = schedulePass(
      queue.map((r) => demandOf(r.id, r.spec)),
      free,
    );
    for (const { demand, fit } of result.placed) {
      const r = records.get(demand.session)!;
      const name = names.get(fit.node) ?? fit.node;
      const placement: SessionPlacement = {
        node: fit.node,
        nodeName: name,
        ...(fit.cpus ? { cpus: fit.cpus, mems: fit.mems ?? [] } : {}),
        millicores: demand.millicores,
        memoryBytes: demand.memoryBytes,
        gpus: fit.gpus,
      };
      await this.start(r, placement, describeFit(fit, name));
    }
    for (const { demand, reason } of result.waiting) {
      const r = records.get(demand.session)!;
      await rt.locks.run(r.id, () => void rt.lifecycle.move(r, 'pending', reason));
    }
  }

  private async placeSlurm(queue: SessionRecord[], byId: Map<string, NodeSummary>): Promise<void> {
    const rt = this.rt;
    const usable = new Set(
      [...byId.values()].filter((n) => n.state === 'ready' && n.connected).map((n) => n.id),
    );
    for (const r of queue) {
      const partition = r.spec.target.kind === 'slurm' ? r.spec.target.partition : undefined;
      const host = rt.slurm.pick(partition, usable);
      if (!host) {
        const what = partition ? `partition ${partition}` : 'a Slurm cluster';
        await rt.locks.run(
          r.id,
          () =>
            void rt.lifecycle.move(
              r,
              'pending',
              `no connected Slurm submit host reports ${what} (agents started with --slurm report theirs)`,
            ),
        );
        continue;
      }
      const nodeName = byId.get(host.node)?.name ?? host.nodeName;
      const placement: SessionPlacement = {
        node: host.node,
        nodeName,
        millicores: 0,
        memoryBytes: 0,
        gpus: [],
      };
      await this.start(r, placement, `submitting to Slurm through ${nodeName}`);
    }
  }

  /** Moves a placed session to `starting` and sends its start (not awaited: the result is applied when it comes). */
  private async start(r: SessionRecord, placement: SessionPlacement, reason: string): Promise<void> {
    const rt = this.rt;
    const moved = await rt.locks.run(r.id, () => {
      if (r.status.state !== 'pending' || r.status.placement) return false;
      return rt.lifecycle.move(r, 'starting', reason, {
        patch: { placement, attempts: r.status.attempts + 1 },
      });
    });
    if (!moved) return;
    this.stats.placed++;
    void launch(rt, r).catch((err) =>
      rt.log('warn', 'sessions: start failed', { session: r.id, error: describeError(err) }),
    );
  }
}
