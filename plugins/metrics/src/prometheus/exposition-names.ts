import type { DiskStats, GpuStats, TemperatureStats } from '../collect/host-data.js';
import { sensorLabels } from '../collect/sensor-labels.js';
import type { Labels } from '../series/series-id.js';

/**
 * How the Prometheus exposition names one of the collector's series: node_exporter's name
 * where node_exporter exports the same figure, `omega_*` otherwise. `derived`: a figure Omega
 * computes (a share or a per-second rate of counters, a difference) — node_exporter exports
 * only the counters it comes from, so the exposition adds it as an `omega_*` gauge from the
 * collection's samples; the others are rendered from what the host reported.
 */
export interface ExposedAs {
  name: string;
  help: string;
  derived: boolean;
}

const raw = (name: string, help: string): ExposedAs => ({ name, help, derived: false });
const derived = (name: string, help: string): ExposedAs => ({ name, help, derived: true });
const mem = (field: string) => raw(`node_memory_${field}_bytes`, `Memory information field ${field}_bytes.`);
const share = (mode: string) =>
  derived(`omega_cpu_${mode}_ratio`, `CPU share in ${mode} mode since the previous collection, 0-1.`);
const net = (kind: 'receive' | 'transmit', field: string) =>
  derived(
    `omega_network_${kind}_${field}_per_second`,
    `Network device statistic ${kind}_${field}, per second since the previous collection.`,
  );

/**
 * The exposition's name of every series of `metrics.sample` (the collector's, SERIES_CATALOG
 * without `session.*`). The renderer and the samples' `prom` field both read it, so the event
 * stream and the exposition cannot name a figure differently.
 */
export const EXPOSITION_NAMES: Readonly<Record<string, ExposedAs>> = Object.freeze({
  'cpu.busy': derived(
    'omega_cpu_busy_ratio',
    'CPU busy share (1 - idle - iowait) since the previous collection, 0-1.',
  ),
  'cpu.user': share('user'),
  'cpu.system': share('system'),
  'cpu.iowait': share('iowait'),
  'cpu.steal': share('steal'),
  'load.1': raw('node_load1', '1m load average.'),
  'load.5': raw('node_load5', '5m load average.'),
  'load.15': raw('node_load15', '15m load average.'),
  'memory.total': mem('MemTotal'),
  'memory.free': mem('MemFree'),
  'memory.available': mem('MemAvailable'),
  'memory.used': derived('omega_memory_used_bytes', 'Memory in use (MemTotal - MemAvailable).'),
  'memory.used_ratio': derived('omega_memory_used_ratio', 'Share of memory in use, 0-1.'),
  'memory.buffers': mem('Buffers'),
  'memory.cached': mem('Cached'),
  'swap.total': mem('SwapTotal'),
  'swap.free': mem('SwapFree'),
  'swap.used': derived('omega_swap_used_bytes', 'Swap in use (SwapTotal - SwapFree).'),
  'fs.size': raw('node_filesystem_size_bytes', 'Filesystem size in bytes.'),
  'fs.free': raw('node_filesystem_free_bytes', 'Filesystem free space in bytes.'),
  'fs.avail': raw('node_filesystem_avail_bytes', 'Filesystem space available to non-root users in bytes.'),
  'fs.used': derived('omega_filesystem_used_bytes', 'Filesystem space in use in bytes.'),
  'fs.used_ratio': derived(
    'omega_filesystem_used_ratio',
    'Filesystem share in use as df shows it: used / (used + avail).',
  ),
  'disk.read_bytes': derived(
    'omega_disk_read_bytes_per_second',
    'Bytes read per second since the previous collection.',
  ),
  'disk.write_bytes': derived(
    'omega_disk_written_bytes_per_second',
    'Bytes written per second since the previous collection.',
  ),
  'disk.reads': derived(
    'omega_disk_reads_completed_per_second',
    'Reads completed per second since the previous collection.',
  ),
  'disk.writes': derived(
    'omega_disk_writes_completed_per_second',
    'Writes completed per second since the previous collection.',
  ),
  'disk.busy': derived('omega_disk_io_busy_ratio', 'Share of time the device had IO in flight, 0-1.'),
  'net.rx_bytes': net('receive', 'bytes'),
  'net.tx_bytes': net('transmit', 'bytes'),
  'net.rx_packets': net('receive', 'packets'),
  'net.tx_packets': net('transmit', 'packets'),
  'net.rx_errors': net('receive', 'errs'),
  'net.tx_errors': net('transmit', 'errs'),
  'net.rx_dropped': net('receive', 'drop'),
  'net.tx_dropped': net('transmit', 'drop'),
  // A thermal-zone sensor is exposed as node_thermal_zone_temp instead (see sensorExposition).
  'temp.sensor': raw('node_hwmon_temp_celsius', 'Hardware monitor for temperature (input)'),
  'temp.cpu_package': derived('omega_cpu_package_temperature_celsius', 'Hottest CPU package sensor.'),
  'temp.cpu_max': derived('omega_cpu_max_temperature_celsius', 'Hottest CPU sensor.'),
  'temp.cpu_core': derived('omega_cpu_core_temperature_celsius', 'Temperature of one CPU core.'),
  'gpu.utilization': raw('omega_gpu_utilization_ratio', 'GPU busy share, 0-1.'),
  'gpu.memory_utilization': raw(
    'omega_gpu_memory_utilization_ratio',
    'GPU memory controller busy share, 0-1.',
  ),
  'gpu.memory_used': raw('omega_gpu_memory_used_bytes', 'GPU memory in use.'),
  'gpu.memory_total': raw('omega_gpu_memory_total_bytes', 'GPU memory.'),
  'gpu.temperature': raw('omega_gpu_temperature_celsius', 'GPU temperature.'),
  'gpu.power': raw('omega_gpu_power_watts', 'GPU power draw.'),
});

/** node_exporter's family of a thermal zone's temperature (sensors of source `thermal`). */
export const THERMAL_ZONE_TEMP: ExposedAs = raw('node_thermal_zone_temp', 'Zone temperature in Celsius');

/** The name the exposition gives a series, and what it writes for one of its samples. */
export interface PromName {
  name: string;
  /** The exposition's labels of the sample (without `node`, which every exposed sample carries). */
  labels: Labels;
}

/** The exposition's name of `series` (throws for a series the table lacks: a bug). */
export function exposedAs(series: string): ExposedAs {
  const e = EXPOSITION_NAMES[series];
  if (!e) throw new Error(`metrics: series ${series} has no Prometheus name in EXPOSITION_NAMES`);
  return e;
}

/** Labels of a filesystem's samples in the exposition (node_exporter's). */
export const filesystemLabels = (fs: DiskStats['filesystems'][number]): Labels => ({
  device: fs.device,
  fstype: fs.fstype,
  mountpoint: fs.mount,
});

/** Labels of a GPU's samples in the exposition. */
export const gpuLabels = (g: GpuStats['gpus'][number]): Labels => ({ gpu: String(g.index), model: g.model });

/**
 * Each sensor's name and labels in the exposition: a thermal zone as node_exporter's
 * `node_thermal_zone_temp{type,zone}` (zones numbered in order), any other sensor as
 * `node_hwmon_temp_celsius{chip,sensor}` (the sensor label of {@link sensorLabels}).
 */
export function sensorExposition(t: TemperatureStats): PromName[] {
  const labels = sensorLabels(t);
  let zone = 0;
  return t.sensors.map(
    (s, i): PromName =>
      s.source === 'thermal'
        ? { name: THERMAL_ZONE_TEMP.name, labels: { type: s.chip, zone: String(zone++) } }
        : { name: exposedAs('temp.sensor').name, labels: { chip: s.chip, sensor: labels[i] ?? '' } },
  );
}
