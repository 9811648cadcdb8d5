import type { RemoteSnapshot } from '../collect/node-loads.js';
import type { ExpositionBuilder } from './exposition-builder.js';
import { exposedAs } from './exposition-names.js';

/** The exposition's name of one of the collector's series (the same family as the host's). */
const named = (series: string): string => exposedAs(series).name;

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
  g(named('load.1'), '1m load average.', l.load1);
  g(named('memory.total'), 'Memory information field MemTotal_bytes.', l.memTotal);
  g(
    named('memory.available'),
    'Memory information field MemAvailable_bytes.',
    l.memTotal !== undefined && l.memUsed !== undefined ? l.memTotal - l.memUsed : undefined,
  );
  g(named('cpu.busy'), 'CPU busy share of a node, 0-1 (from its agent).', l.cpu);
  g(named('disk.read_bytes'), 'Bytes read per second, all disks of a node (from its agent).', l.diskReadBps);
  g(
    named('disk.write_bytes'),
    'Bytes written per second, all disks of a node (from its agent).',
    l.diskWriteBps,
  );
  g(named('net.rx_bytes'), 'Bytes received per second, all interfaces (from its agent).', l.netRxBps);
  g(named('net.tx_bytes'), 'Bytes sent per second, all interfaces (from its agent).', l.netTxBps);
  g('omega_temperature_max_celsius', 'Hottest temperature sensor of a node (from its agent).', l.tempMax);
  for (const x of Array.isArray(l.gpus) ? l.gpus : []) {
    const labels = { gpu: String(x.index) };
    g(named('gpu.utilization'), 'GPU busy share, 0-1.', x.util, labels);
    g(named('gpu.memory_used'), 'GPU memory in use.', x.memUsed, labels);
    g(named('gpu.memory_total'), 'GPU memory.', x.memTotal, labels);
    g(named('gpu.temperature'), 'GPU temperature.', x.temp, labels);
  }
  g(
    'omega_node_load_timestamp_seconds',
    "When the node's agent last reported its load (kernel clock).",
    r.at / 1000,
  );
}
