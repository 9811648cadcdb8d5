import type { Executor, SessionUsage } from '../exec/index.js';
import type { SlurmDriver } from '../slurm/index.js';
import type { SessionBackend } from './session-backend.js';

/** Largest report data we build, bytes of JSON (the agent sends at most 64 KiB). */
const MAX_REPORT_JSON = 60_000;

/** Options of {@link startSessionReports}. */
export interface SessionReportsOptions {
  backends: SessionBackend[];
  executor?: Executor;
  slurm?: { driver: SlurmDriver; everyMs: number };
  /** The agent's `report` (queued while disconnected). */
  report: (topic: string, data: unknown) => void;
  /** True while the agent has a session with the kernel (usage is not queued: it is stale by then). */
  connected: () => boolean;
  usageEveryMs?: number;
  onError: (what: string, err: unknown) => void;
}

/**
 * What the agent tells the kernel about sessions without being asked: `session.state` on every
 * phase change (queued while disconnected), `session.usage` every second with the newest sample
 * of each live session (batched, ≤ 60 KB per report, dropped while disconnected), and for a
 * Slurm submit host `slurm.nodes` (its partitions and Slurm's nodes) every `everyMs`. Answers
 * the undo.
 */
export function startSessionReports(o: SessionReportsOptions): () => void {
  const undo: Array<() => void> = [];
  const safe = (fn: () => void) => {
    try {
      fn();
    } catch (err) {
      o.onError('report', err);
    }
  };
  for (const b of o.backends) undo.push(b.onState((s) => safe(() => o.report('session.state', s))));
  if (o.executor) {
    const fresh = new Map<string, SessionUsage>();
    undo.push(o.executor.on('usage', (e) => fresh.set(e.id, e.usage)));
    const timer = setInterval(() => {
      if (fresh.size === 0) return;
      if (!o.connected()) return void fresh.clear();
      let batch: Array<{ id: string; usage: SessionUsage }> = [];
      let bytes = 64;
      const flush = () => {
        if (batch.length > 0)
          safe(() => o.report('session.usage', { at: new Date().toISOString(), sessions: batch }));
        batch = [];
        bytes = 64;
      };
      for (const [id, usage] of fresh) {
        const size = JSON.stringify(usage).length + id.length + 24;
        if (bytes + size > MAX_REPORT_JSON) flush();
        batch.push({ id, usage });
        bytes += size;
      }
      fresh.clear();
      flush();
    }, o.usageEveryMs ?? 1000);
    timer.unref();
    undo.push(() => clearInterval(timer));
  }
  if (o.slurm) {
    const { driver, everyMs } = o.slurm;
    let busy = false;
    const send = async () => {
      if (busy || !o.connected()) return;
      busy = true;
      try {
        const [nodes, partitions] = await Promise.all([driver.nodes(), driver.partitions()]);
        const data = {
          at: new Date().toISOString(),
          partitions: partitions.map((p) => ({
            name: p.name,
            state: p.state,
            nodes: p.nodes,
            totalCpus: p.totalCpus,
            isDefault: p.isDefault,
            maxTimeMinutes: p.maxTimeMinutes,
          })),
          nodes: nodes.map((n) => ({
            name: n.name,
            state: n.state,
            reason: n.reason,
            cpus: n.cpus,
            allocatedCpus: n.allocatedCpus,
            memoryMiB: n.memoryMiB,
            allocatedMemoryMiB: n.allocatedMemoryMiB,
            gpus: n.gpus,
            partitions: n.partitions,
          })),
          nodesTotal: nodes.length,
        };
        while (JSON.stringify(data).length > MAX_REPORT_JSON && data.nodes.length > 0)
          data.nodes.length = Math.floor(data.nodes.length * 0.8);
        o.report('slurm.nodes', data);
      } catch (err) {
        o.onError('slurm nodes', err);
      } finally {
        busy = false;
      }
    };
    void send();
    const timer = setInterval(() => void send(), everyMs);
    timer.unref();
    undo.push(() => clearInterval(timer));
    // A fresh connection hears at once which partitions this host serves.
    let wasConnected = o.connected();
    const edge = setInterval(() => {
      const now = o.connected();
      if (now && !wasConnected) void send();
      wasConnected = now;
    }, 500);
    edge.unref();
    undo.push(() => clearInterval(edge));
  }
  return () => {
    for (const u of undo) u();
  };
}
