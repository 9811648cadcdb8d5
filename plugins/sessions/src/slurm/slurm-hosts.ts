import { isoTime } from '@omega/sdk';
import type { SlurmNodesReport } from '../agent-ops.js';

/** A submit-host agent and the Slurm cluster it last reported. */
export interface SlurmHost {
  node: string;
  nodeName: string;
  receivedAt: number;
  report: SlurmNodesReport;
}

/** Hosts kept (each reports its whole cluster; a few are expected). */
const MAX_HOSTS = 256;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Reads a `slurm.nodes` report defensively (it is an agent's claim); undefined when it is not one. */
export function parseSlurmReport(data: unknown): SlurmNodesReport | undefined {
  if (!isObj(data) || !Array.isArray(data.partitions) || !Array.isArray(data.nodes)) return undefined;
  const partitions = data.partitions
    .filter(isObj)
    .slice(0, 1000)
    .flatMap((p) =>
      typeof p.name === 'string'
        ? [
            {
              name: p.name.slice(0, 64),
              state: typeof p.state === 'string' ? p.state.slice(0, 32) : 'unknown',
              nodes: Array.isArray(p.nodes)
                ? p.nodes.filter((n): n is string => typeof n === 'string').slice(0, 10_000)
                : [],
              totalCpus: typeof p.totalCpus === 'number' ? p.totalCpus : 0,
              isDefault: p.isDefault === true,
              maxTimeMinutes: typeof p.maxTimeMinutes === 'number' ? p.maxTimeMinutes : null,
            },
          ]
        : [],
    );
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const nodes = data.nodes
    .filter(isObj)
    .slice(0, 10_000)
    .flatMap((n) =>
      typeof n.name === 'string'
        ? [
            {
              name: n.name.slice(0, 128),
              state: typeof n.state === 'string' ? n.state.slice(0, 32) : 'unknown',
              reason: typeof n.reason === 'string' ? n.reason.slice(0, 512) : null,
              cpus: num(n.cpus),
              allocatedCpus: num(n.allocatedCpus),
              memoryMiB: num(n.memoryMiB),
              allocatedMemoryMiB: num(n.allocatedMemoryMiB),
              gpus: num(n.gpus),
              partitions: Array.isArray(n.partitions)
                ? n.partitions.filter((p): p is string => typeof p === 'string').slice(0, 64)
                : [],
            },
          ]
        : [],
    );
  return { at: typeof data.at === 'string' ? data.at : isoTime(Date.now()), partitions, nodes };
}

/** The Slurm submit hosts known from their agents' `slurm.nodes` reports (memory only: they report every 30 s). */
export class SlurmHosts {
  private readonly hosts = new Map<string, SlurmHost>();

  update(node: string, nodeName: string, report: SlurmNodesReport, now: number): void {
    if (!this.hosts.has(node) && this.hosts.size >= MAX_HOSTS) return;
    this.hosts.set(node, { node, nodeName, receivedAt: now, report });
  }

  forget(node: string): void {
    this.hosts.delete(node);
  }

  list(): SlurmHost[] {
    return [...this.hosts.values()].sort((a, b) => (a.nodeName < b.nodeName ? -1 : 1));
  }

  /**
   * A submit host for a job of `partition` (when absent, any host: Slurm picks its default
   * partition) among the nodes `usable` (connected, ready); undefined when none.
   */
  pick(partition: string | undefined, usable: ReadonlySet<string>): SlurmHost | undefined {
    return this.list().find(
      (h) =>
        usable.has(h.node) &&
        (partition === undefined
          ? h.report.partitions.length > 0
          : h.report.partitions.some((p) => p.name === partition)),
    );
  }
}
