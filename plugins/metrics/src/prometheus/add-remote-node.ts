import type { RemoteSnapshot } from '../collect/node-loads.js';
import type { ExpositionBuilder } from './exposition-builder.js';

/**
 * Adds a remote node's newest load (what its agent's heartbeat said) to the exposition, with
 * node_exporter's names where the figure is one of theirs (load, memory total and available)
 * and `omega_*` names for the rates and ratios node_exporter exports as counters; plus when the
 * load was taken, so a stale node shows as stale.
 */
export function addRemoteNode(b: ExpositionBuilder, r: RemoteSnapshot): void {
  const g = (name: string, help: string, v: number | undefined, labels: Record<string, string> = {}) =>
    b.add(name, 'gauge', help, { node: r.node, ...labels }, v);
  const l = r.load;
  g('node_load1', '1m load average.', l.load1);
  g('node_memory_MemTotal_bytes', 'Memory information field MemTotal_bytes.', l.memTotal);
  g(
    'node_memory_MemAvailable_bytes',
    'Memory information field MemAvailable_bytes.',
    l.memTotal !== undefined && l.memUsed !== undefined ? l.memTotal - l.memUsed : undefined,
  );
  g('omega_cpu_busy_ratio', 'CPU busy share of a node, 0-1 (from its agent).', l.cpu);
  g(
    'omega_disk_read_bytes_per_second',
    'Bytes read per second, all disks of a node (from its agent).',
    l.diskReadBps,
  );
  g(
    'omega_disk_written_bytes_per_second',
    'Bytes written per second, all disks of a node (from its agent).',
    l.diskWriteBps,
  );
  g(
    'omega_network_receive_bytes_per_second',
    'Bytes received per second, all interfaces (from its agent).',
    l.netRxBps,
  );
  g(
    'omega_network_transmit_bytes_per_second',
    'Bytes sent per second, all interfaces (from its agent).',
    l.netTxBps,
  );
  g('omega_temperature_max_celsius', 'Hottest temperature sensor of a node (from its agent).', l.tempMax);
  for (const x of Array.isArray(l.gpus) ? l.gpus : []) {
    const labels = { gpu: String(x.index) };
    g('omega_gpu_utilization_ratio', 'GPU busy share, 0-1.', x.util, labels);
    g('omega_gpu_memory_used_bytes', 'GPU memory in use.', x.memUsed, labels);
    g('omega_gpu_memory_total_bytes', 'GPU memory.', x.memTotal, labels);
    g('omega_gpu_temperature_celsius', 'GPU temperature.', x.temp, labels);
  }
  g(
    'omega_node_load_timestamp_seconds',
    "When the node's agent last reported its load (kernel clock).",
    r.at / 1000,
  );
}
