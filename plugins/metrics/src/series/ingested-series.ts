import type { SeriesKind } from './series-catalog.js';

/** A series other plugins publish for the metrics plugin to record (see collect/ingest-series.ts). */
export interface IngestedKind extends SeriesKind {
  /** Its Prometheus family (node_exporter's name where one means the same, else `omega_*`). */
  prom: string;
  type: 'gauge' | 'counter';
  /** Label names it may carry besides `node`. */
  labels: readonly string[];
}

const k = (
  unit: string,
  help: string,
  prom: string,
  labels: string[] = [],
  type: 'gauge' | 'counter' = 'gauge',
): IngestedKind => ({
  unit,
  help,
  prom,
  type,
  labels,
});

/**
 * Series the resources plugin publishes per node on `resources.series` (docs/resources.md,
 * docs/network.md), with their units and Prometheus names. Only these names are recorded from
 * the topic, each with only its own labels. Per-device and per-interface families are apart
 * from the node totals `nodes.load` gives (a family never mixes label sets), and nothing here
 * repeats what a heartbeat already carries (GPU temperature).
 */
export const INGESTED_SERIES: Readonly<Record<string, IngestedKind>> = Object.freeze({
  'numa.busy': k(
    'ratio',
    'Mean busy share of a NUMA node’s CPUs over the report interval',
    'omega_numa_node_busy_ratio',
    ['numa'],
  ),
  'numa.memory_used': k(
    'bytes',
    'Memory in use on a NUMA node (its MemUsed)',
    'omega_numa_node_memory_used_bytes',
    ['numa'],
  ),
  'numa.memory_total': k(
    'bytes',
    'Memory of a NUMA node (its MemTotal)',
    'omega_numa_node_memory_total_bytes',
    ['numa'],
  ),
  'thermal.hottest': k('celsius', 'Hottest temperature sensor of the node', 'omega_thermal_hottest_celsius'),
  'thermal.throttles_1h': k(
    'events',
    'CPU thermal throttle events in the last hour (the CPUs’ own counters)',
    'omega_cpu_throttles_last_hour',
  ),
  'cpufreq.ratio_min': k(
    'ratio',
    'Lowest current/maximum frequency ratio among the CPUs',
    'omega_cpu_frequency_min_ratio',
  ),
  'cpufreq.held_down_1h': k(
    'events',
    'Episodes of busy CPUs held below their maximum frequency in the last hour',
    'omega_cpu_held_down_last_hour',
  ),
  'gpu.throttled': k(
    'bool',
    'GPU clocks held down for a reason other than idle (1) or not (0)',
    'omega_gpu_throttled',
    ['gpu'],
  ),
  'disk.busy': k(
    'ratio',
    'Share of the interval the device had IO in flight (iostat %util)',
    'omega_disk_utilization_ratio',
    ['device'],
  ),
  'disk.iops': k('ops/s', 'Reads and writes completed per second', 'omega_disk_iops', ['device']),
  'disk.read_bytes': k('bytes/s', 'Bytes read per second', 'omega_disk_device_read_bytes_per_second', [
    'device',
  ]),
  'disk.write_bytes': k('bytes/s', 'Bytes written per second', 'omega_disk_device_written_bytes_per_second', [
    'device',
  ]),
  'disk.read_await': k(
    'seconds',
    'Mean time a read took, queue included (iostat r_await)',
    'omega_disk_read_await_seconds',
    ['device'],
  ),
  'disk.write_await': k(
    'seconds',
    'Mean time a write took, queue included (iostat w_await)',
    'omega_disk_write_await_seconds',
    ['device'],
  ),
  'fs.used_ratio': k(
    'ratio',
    'Share in use, as df shows it: used / (used + avail)',
    'omega_filesystem_used_ratio',
    ['mount'],
  ),
  'fs.avail': k('bytes', 'Bytes available to unprivileged users', 'omega_filesystem_avail_bytes', ['mount']),
  'fs.inodes_used_ratio': k('ratio', 'Share of inodes in use', 'omega_filesystem_inodes_used_ratio', [
    'mount',
  ]),
  'fs.full_days': k(
    'days',
    'Days until the filesystem is full on its current trend (only while it fills)',
    'omega_filesystem_full_days',
    ['mount'],
  ),
  'md.degraded': k(
    'bool',
    'md RAID array working below its expected devices (1) or not (0)',
    'omega_md_degraded',
    ['array'],
  ),
  'md.sync_ratio': k(
    'ratio',
    'Progress of a running md resync, recovery, reshape or check',
    'omega_md_sync_ratio',
    ['array'],
  ),
  'btrfs.errors': k(
    'errors',
    'Sum of a btrfs filesystem’s device error counters',
    'omega_btrfs_device_errors',
    ['fs'],
  ),
  'zfs.healthy': k('bool', 'ZFS pool ONLINE (1) or not (0)', 'omega_zfs_pool_healthy', ['pool']),
  'smart.passed': k('bool', 'SMART overall self-assessment passed (1) or failed (0)', 'omega_smart_passed', [
    'device',
  ]),
  'probe.rtt': k(
    'seconds',
    'Round-trip time to a peer (or the kernel) over the probe window, by quantile',
    'omega_probe_rtt_seconds',
    ['peer', 'quantile'],
  ),
  'probe.loss': k(
    'ratio',
    'Share of probes to a peer (or the kernel) unanswered over the window',
    'omega_probe_loss_ratio',
    ['peer'],
  ),
  'probe.jitter': k(
    'seconds',
    'Mean difference of consecutive round-trip times to a peer',
    'omega_probe_jitter_seconds',
    ['peer'],
  ),
  'probe.up': k('bool', 'The peer (or the kernel) answered probes lately (1) or not (0)', 'omega_probe_up', [
    'peer',
  ]),
  'net.quality': k(
    'ratio',
    'Connection quality of the node, 0 (unusable) – 1 (perfect)',
    'omega_node_network_quality',
  ),
  'net.rx_bytes': k(
    'bytes/s',
    'Bytes received per second',
    'omega_network_interface_receive_bytes_per_second',
    ['interface'],
  ),
  'net.tx_bytes': k('bytes/s', 'Bytes sent per second', 'omega_network_interface_transmit_bytes_per_second', [
    'interface',
  ]),
  'net.errors': k('errors/s', 'Receive and transmit errors per second', 'omega_network_errors_per_second', [
    'interface',
  ]),
  'net.drops': k(
    'packets/s',
    'Received and sent packets dropped per second',
    'omega_network_drops_per_second',
    ['interface'],
  ),
  'net.up': k('bool', 'Interface operstate up (1) or not (0)', 'node_network_up', ['interface']),
  'net.speed': k('bytes/s', 'Link speed', 'node_network_speed_bytes', ['interface']),
  'net.carrier_changes': k(
    'changes',
    'Link up/down transitions since the interface was created',
    'node_network_carrier_changes_total',
    ['interface'],
    'counter',
  ),
});
