import { sensorLabels } from '../collect/derive-samples.js';
import type { CpuTimes, SystemAreaData } from '../collect/host-data.js';
import type { RemoteSnapshot } from '../collect/node-loads.js';
import { addRemoteNode } from './add-remote-node.js';
import { ExpositionBuilder } from './exposition-builder.js';

/** The newest collection of one node, as the system capability answered it. */
export interface NodeSnapshot {
  node: string;
  at: number;
  data: Partial<SystemAreaData>;
}

const CPU_MODES: (keyof CpuTimes)[] = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'];

/**
 * Renders the newest snapshot of every node in the Prometheus text format, with node_exporter's
 * metric names where one exists (so its dashboards work) and `omega_*` names for GPUs and
 * topology, which node_exporter does not export; then the remote nodes' newest loads (one
 * family per name across all nodes). Every sample carries a `node` label.
 */
export function renderPrometheus(
  snapshots: readonly NodeSnapshot[],
  remote: Iterable<RemoteSnapshot> = [],
): string {
  const b = new ExpositionBuilder();
  for (const s of snapshots) addNode(b, s);
  for (const r of remote) addRemoteNode(b, r);
  return b.render();
}

function addNode(b: ExpositionBuilder, { node, data }: NodeSnapshot): void {
  const g = (name: string, help: string, labels: Record<string, string>, v: number | undefined) =>
    b.add(name, 'gauge', help, { node, ...labels }, v);
  const c = (name: string, help: string, labels: Record<string, string>, v: number | undefined) =>
    b.add(name, 'counter', help, { node, ...labels }, v);

  const cpu = data.cpu;
  if (cpu) {
    for (const core of cpu.cores)
      for (const mode of CPU_MODES)
        c(
          'node_cpu_seconds_total',
          'Seconds the CPUs spent in each mode.',
          { cpu: String(core.cpu), mode },
          core.seconds[mode],
        );
    g('node_load1', '1m load average.', {}, cpu.load?.load1);
    g('node_load5', '5m load average.', {}, cpu.load?.load5);
    g('node_load15', '15m load average.', {}, cpu.load?.load15);
  }

  const m = data.memory;
  if (m) {
    const mem = (field: string, v: number | undefined) =>
      g(`node_memory_${field}_bytes`, `Memory information field ${field}_bytes.`, {}, v);
    mem('MemTotal', m.totalBytes);
    mem('MemFree', m.freeBytes);
    mem('MemAvailable', m.availableBytes);
    mem('Buffers', m.buffersBytes);
    mem('Cached', m.cachedBytes);
    mem('SwapTotal', m.swap.totalBytes);
    mem('SwapFree', m.swap.freeBytes);
  }

  const d = data.disk;
  if (d) {
    for (const fs of d.filesystems) {
      const l = { device: fs.device, fstype: fs.fstype, mountpoint: fs.mount };
      g('node_filesystem_size_bytes', 'Filesystem size in bytes.', l, fs.sizeBytes);
      g('node_filesystem_free_bytes', 'Filesystem free space in bytes.', l, fs.freeBytes);
      g(
        'node_filesystem_avail_bytes',
        'Filesystem space available to non-root users in bytes.',
        l,
        fs.availBytes,
      );
      g('node_filesystem_files', 'Filesystem total file nodes.', l, fs.files);
      g('node_filesystem_files_free', 'Filesystem total free file nodes.', l, fs.filesFree);
      g('node_filesystem_readonly', 'Filesystem read-only status.', l, fs.readOnly ? 1 : 0);
    }
    for (const dev of d.devices) {
      const l = { device: dev.name };
      c(
        'node_disk_reads_completed_total',
        'The total number of reads completed successfully.',
        l,
        dev.readsCompleted,
      );
      c(
        'node_disk_writes_completed_total',
        'The total number of writes completed successfully.',
        l,
        dev.writesCompleted,
      );
      c('node_disk_read_bytes_total', 'The total number of bytes read successfully.', l, dev.readBytes);
      c(
        'node_disk_written_bytes_total',
        'The total number of bytes written successfully.',
        l,
        dev.writtenBytes,
      );
      c(
        'node_disk_read_time_seconds_total',
        'The total number of seconds spent by all reads.',
        l,
        dev.readTimeSeconds,
      );
      c(
        'node_disk_write_time_seconds_total',
        'This is the total number of seconds spent by all writes.',
        l,
        dev.writeTimeSeconds,
      );
      c('node_disk_io_time_seconds_total', 'Total seconds spent doing I/Os.', l, dev.ioTimeSeconds);
      g('node_disk_io_now', 'The number of I/Os currently in progress.', l, dev.ioInProgress);
    }
  }

  const n = data.network;
  if (n) {
    for (const i of n.interfaces) {
      const l = { device: i.name };
      const dir = (kind: 'receive' | 'transmit', field: string, v: number | undefined) =>
        c(`node_network_${kind}_${field}_total`, `Network device statistic ${kind}_${field}.`, l, v);
      dir('receive', 'bytes', i.rxBytes);
      dir('receive', 'packets', i.rxPackets);
      dir('receive', 'errs', i.rxErrors);
      dir('receive', 'drop', i.rxDropped);
      dir('transmit', 'bytes', i.txBytes);
      dir('transmit', 'packets', i.txPackets);
      dir('transmit', 'errs', i.txErrors);
      dir('transmit', 'drop', i.txDropped);
    }
  }

  const t = data.temperature;
  if (t) {
    const labels = sensorLabels(t);
    let zone = 0;
    t.sensors.forEach((s, i) => {
      if (s.source === 'thermal') {
        g(
          'node_thermal_zone_temp',
          'Zone temperature in Celsius',
          { type: s.chip, zone: String(zone++) },
          s.celsius,
        );
        return;
      }
      const l = { chip: s.chip, sensor: labels[i] ?? '' };
      g('node_hwmon_temp_celsius', 'Hardware monitor for temperature (input)', l, s.celsius);
      g('node_hwmon_temp_max_celsius', 'Hardware monitor for temperature (max)', l, s.maxCelsius);
      g('node_hwmon_temp_crit_celsius', 'Hardware monitor for temperature (crit)', l, s.criticalCelsius);
    });
  }

  const gp = data.gpu;
  if (gp) {
    for (const x of gp.gpus) {
      const l = { gpu: String(x.index), model: x.model };
      g('omega_gpu_utilization_ratio', 'GPU busy share, 0-1.', l, x.utilization);
      g(
        'omega_gpu_memory_utilization_ratio',
        'GPU memory controller busy share, 0-1.',
        l,
        x.memoryUtilization,
      );
      g('omega_gpu_memory_used_bytes', 'GPU memory in use.', l, x.memoryUsedBytes);
      g('omega_gpu_memory_total_bytes', 'GPU memory.', l, x.memoryTotalBytes);
      g('omega_gpu_temperature_celsius', 'GPU temperature.', l, x.temperatureCelsius);
      g('omega_gpu_power_watts', 'GPU power draw.', l, x.powerWatts);
      g('omega_gpu_power_limit_watts', 'GPU power limit.', l, x.powerLimitWatts);
    }
  }

  const tp = data.topology;
  if (tp) {
    g('omega_cpu_sockets', 'CPU sockets.', {}, tp.sockets);
    g('omega_cpu_physical_cores', 'Physical CPU cores.', {}, tp.physicalCores);
    g('omega_cpu_logical_cores', 'Logical CPUs.', {}, tp.logicalCores);
    g('omega_numa_nodes', 'NUMA nodes (0 when the kernel exposes none).', {}, tp.numaNodes.length);
    for (const nn of tp.numaNodes)
      g(
        'omega_numa_node_cpus',
        'Logical CPUs of a NUMA node.',
        { numa_node: String(nn.node) },
        nn.cpus.length,
      );
  }
}
