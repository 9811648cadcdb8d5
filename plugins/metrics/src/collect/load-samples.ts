import type { Sample } from '../store/metric-store.js';

/** A remote node's load as the nodes plugin publishes it on `nodes.load` (absent = not measured). */
export interface NodeLoad {
  cpu?: number;
  load1?: number;
  memUsed?: number;
  memTotal?: number;
  diskReadBps?: number;
  diskWriteBps?: number;
  netRxBps?: number;
  netTxBps?: number;
  tempMax?: number;
  gpus?: Array<{ index: number; util?: number; memUsed?: number; memTotal?: number; temp?: number }>;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
/** Most GPUs recorded per node. */
const MAX_GPUS = 16;

/**
 * The compact series set of a remote node, from one load summary: `cpu.busy{cpu="total"}`,
 * `load.1`, `memory.used`, `disk.read_bytes` / `disk.write_bytes` `{device="total"}`,
 * `net.rx_bytes` / `net.tx_bytes` `{interface="total"}`, and where the node has them
 * `temp.cpu_max` and per GPU `gpu.utilization` and `gpu.memory_used` — the same names as the
 * host's own series, so one query covers the cluster. Absent figures give no sample.
 */
export function loadSamples(load: unknown): Sample[] {
  if (load === null || typeof load !== 'object') return [];
  const l = load as Record<string, unknown>;
  const out: Sample[] = [];
  const push = (name: string, labels: Record<string, string>, v: unknown) => {
    const n = num(v);
    if (n !== undefined) out.push({ name, labels, value: n });
  };
  push('cpu.busy', { cpu: 'total' }, l.cpu);
  push('load.1', {}, l.load1);
  push('memory.used', {}, l.memUsed);
  push('disk.read_bytes', { device: 'total' }, l.diskReadBps);
  push('disk.write_bytes', { device: 'total' }, l.diskWriteBps);
  push('net.rx_bytes', { interface: 'total' }, l.netRxBps);
  push('net.tx_bytes', { interface: 'total' }, l.netTxBps);
  push('temp.cpu_max', {}, l.tempMax);
  if (Array.isArray(l.gpus))
    for (const g of l.gpus.slice(0, MAX_GPUS)) {
      const index = num((g as Record<string, unknown>)?.index);
      if (index === undefined || index < 0) continue;
      const labels = { gpu: String(Math.floor(index)) };
      push('gpu.utilization', labels, (g as Record<string, unknown>).util);
      push('gpu.memory_used', labels, (g as Record<string, unknown>).memUsed);
    }
  return out;
}
