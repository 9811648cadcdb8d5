import type { CollectedSample, SampleSlot } from '../collect/derive-samples.js';
import type { CpuTimes, SystemAreaData } from '../collect/host-data.js';
import type { RemoteSnapshot } from '../collect/node-loads.js';
import { INGESTED_SERIES } from '../series/ingested-series.js';
import type { SeriesEntry } from '../store/metric-store.js';
import { addRemoteNode } from './add-remote-node.js';
import { ExpositionBuilder } from './exposition-builder.js';
import {
  EXPOSITION_NAMES,
  exposedAs,
  filesystemLabels,
  gpuLabels,
  sensorExposition,
  THERMAL_ZONE_TEMP,
} from './exposition-names.js';

/** The newest collection of one node, as the system capability answered it. */
export interface NodeSnapshot {
  node: string;
  at: number;
  data: Partial<SystemAreaData>;
  /** The samples derived from it: the figures Omega computes are exposed from these. */
  samples?: readonly CollectedSample[];
  /** The series of `samples`, index for index (their exposition names: SampleDeriver.layout). */
  layout?: readonly SampleSlot[];
}

const CPU_MODES: (keyof CpuTimes)[] = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'];

/**
 * Renders the newest snapshot of every node in the Prometheus text format, with node_exporter's
 * metric names where one exists (so its dashboards work) and `omega_*` names for GPUs and
 * topology, which node_exporter does not export; then the remote nodes' newest loads (one
 * family per name across all nodes), and the newest value of each ingested series (`ingested`:
 * see {@link freshIngested}) under its own family. Every sample carries a `node` label.
 */
export function renderPrometheus(
  snapshots: readonly NodeSnapshot[],
  remote: Iterable<RemoteSnapshot> = [],
  ingested: readonly SeriesEntry[] = [],
): string {
  const b = new ExpositionBuilder();
  for (const s of snapshots) addNode(b, s);
  for (const r of remote) addRemoteNode(b, r);
  for (const e of ingested) {
    const kind = INGESTED_SERIES[e.name];
    if (kind) b.add(kind.prom, kind.type, `${kind.help} (${kind.unit}).`, e.labels, e.history.lastValue);
  }
  return b.render();
}

/** Ingested series left out of the exposition once their newest sample is older than this. */
export const INGESTED_STALE_MS = 10 * 60_000;

/** The ingested series whose newest sample is recent enough to expose (a node gone stops showing). */
export function freshIngested(entries: Iterable<SeriesEntry>, now: number): SeriesEntry[] {
  const out: SeriesEntry[] = [];
  for (const e of entries)
    if (
      Object.hasOwn(INGESTED_SERIES, e.name) &&
      e.history.lastAt > 0 &&
      now - e.history.lastAt <= INGESTED_STALE_MS
    )
      out.push(e);
  return out;
}

function addNode(b: ExpositionBuilder, { node, data, samples = [], layout = [] }: NodeSnapshot): void {
  const g = (name: string, help: string, labels: Record<string, string>, v: number | undefined) =>
    b.add(name, 'gauge', help, { node, ...labels }, v);
  /** A gauge that is also a series of `metrics.sample`: named by EXPOSITION_NAMES. */
  const gs = (series: string, labels: Record<string, string>, v: number | undefined) => {
    const e = exposedAs(series);
    g(e.name, e.help, labels, v);
  };
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
    gs('load.1', {}, cpu.load?.load1);
    gs('load.5', {}, cpu.load?.load5);
    gs('load.15', {}, cpu.load?.load15);
  }

  const m = data.memory;
  if (m) {
    gs('memory.total', {}, m.totalBytes);
    gs('memory.free', {}, m.freeBytes);
    gs('memory.available', {}, m.availableBytes);
    gs('memory.buffers', {}, m.buffersBytes);
    gs('memory.cached', {}, m.cachedBytes);
    gs('swap.total', {}, m.swap.totalBytes);
    gs('swap.free', {}, m.swap.freeBytes);
  }

  const d = data.disk;
  if (d) {
    for (const fs of d.filesystems) {
      const l = filesystemLabels(fs);
      gs('fs.size', l, fs.sizeBytes);
      gs('fs.free', l, fs.freeBytes);
      gs('fs.avail', l, fs.availBytes);
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
    const exposed = sensorExposition(t);
    t.sensors.forEach((s, i) => {
      const x = exposed[i];
      if (!x) return;
      const kind = s.source === 'thermal' ? THERMAL_ZONE_TEMP : exposedAs('temp.sensor');
      g(x.name, kind.help, x.labels, s.celsius);
      if (s.source === 'thermal') return;
      g('node_hwmon_temp_max_celsius', 'Hardware monitor for temperature (max)', x.labels, s.maxCelsius);
      g(
        'node_hwmon_temp_crit_celsius',
        'Hardware monitor for temperature (crit)',
        x.labels,
        s.criticalCelsius,
      );
    });
  }

  const gp = data.gpu;
  if (gp) {
    for (const x of gp.gpus) {
      const l = gpuLabels(x);
      gs('gpu.utilization', l, x.utilization);
      gs('gpu.memory_utilization', l, x.memoryUtilization);
      gs('gpu.memory_used', l, x.memoryUsedBytes);
      gs('gpu.memory_total', l, x.memoryTotalBytes);
      gs('gpu.temperature', l, x.temperatureCelsius);
      gs('gpu.power', l, x.powerWatts);
      g('omega_gpu_power_limit_watts', 'GPU power limit.', l, x.powerLimitWatts);
    }
  }

  // What Omega computes (shares, per-second rates, differences): node_exporter has only the
  // counters behind them, so these are exposed as omega_* gauges, straight from the samples.
  samples.forEach((x, i) => {
    const e = EXPOSITION_NAMES[x.name];
    const prom = layout[i]?.prom ?? { name: e?.name ?? x.name };
    if (e?.derived) g(prom.name, e.help, prom.labels ?? x.labels, x.value);
  });

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
