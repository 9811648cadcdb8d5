import type { Labels } from '../series/series-id.js';
import type { Sample } from '../store/metric-store.js';
import { CounterRates } from './counter-rates.js';
import { cpuShares } from './cpu-shares.js';
import type {
  CpuStats,
  CpuTimes,
  DiskStats,
  GpuStats,
  MemoryStats,
  NetworkStats,
  SystemAreaData,
  TemperatureStats,
} from './host-data.js';

type Push = (name: string, labels: Labels, value: number | undefined) => void;

/** Label of each temperature sensor: its sysfs label, else `temp<n>` within its chip; unique per chip. */
export function sensorLabels(t: TemperatureStats): string[] {
  const used = new Set<string>();
  const unnamed = new Map<string, number>();
  return t.sensors.map((s) => {
    let label = s.label;
    if (label === undefined) {
      const n = (unnamed.get(s.chip) ?? 0) + 1;
      unnamed.set(s.chip, n);
      label = `temp${n}`;
    }
    let unique = label;
    for (let i = 2; used.has(`${s.chip}\0${unique}`); i++) unique = `${label}_${i}`;
    used.add(`${s.chip}\0${unique}`);
    return unique;
  });
}

/**
 * Turns what the system capability answers into gauge samples and per-second rates. Keeps
 * the previous counters, so the first collection has no rates (absent, not 0). Fields a
 * host does not report produce no sample at all.
 */
export class SampleDeriver {
  private readonly rates = new CounterRates();
  private readonly cpuPrev = new Map<string, CpuTimes>();

  /** Samples of one collection; areas missing from `data` (failed reads) give none. */
  derive(data: Partial<SystemAreaData>): Sample[] {
    const out: Sample[] = [];
    const push: Push = (name, labels, value) => {
      if (value !== undefined && Number.isFinite(value)) out.push({ name, labels, value });
    };
    if (data.cpu) this.cpu(data.cpu, push);
    if (data.memory) memory(data.memory, push);
    if (data.disk) this.disk(data.disk, push);
    if (data.network) this.network(data.network, push);
    if (data.temperature) temperature(data.temperature, push);
    if (data.gpu) gpu(data.gpu, push);
    this.rates.sweep();
    return out;
  }

  private cpu(c: CpuStats, push: Push): void {
    const one = (label: string, seconds: CpuTimes) => {
      const prev = this.cpuPrev.get(label);
      this.cpuPrev.set(label, seconds);
      const s = prev ? cpuShares(prev, seconds) : null;
      if (!s) return;
      const labels = { cpu: label };
      push('cpu.busy', labels, s.busy);
      push('cpu.user', labels, s.user);
      push('cpu.system', labels, s.system);
      push('cpu.iowait', labels, s.iowait);
      push('cpu.steal', labels, s.steal);
    };
    one('total', c.total.seconds);
    for (const core of c.cores) one(String(core.cpu), core.seconds);
    if (c.load) {
      push('load.1', {}, c.load.load1);
      push('load.5', {}, c.load.load5);
      push('load.15', {}, c.load.load15);
    }
  }

  private disk(d: DiskStats, push: Push): void {
    for (const fs of d.filesystems) {
      const labels = { mount: fs.mount };
      push('fs.size', labels, fs.sizeBytes);
      push('fs.free', labels, fs.freeBytes);
      push('fs.avail', labels, fs.availBytes);
      push('fs.used', labels, fs.usedBytes);
      const denom = fs.usedBytes + fs.availBytes;
      if (denom > 0) push('fs.used_ratio', labels, fs.usedBytes / denom);
    }
    for (const dev of d.devices) {
      const labels = { device: dev.name };
      const r = (field: string, v: number | undefined) =>
        this.rates.rate(`disk\0${dev.name}\0${field}`, v, d.at);
      push('disk.read_bytes', labels, r('rb', dev.readBytes));
      push('disk.write_bytes', labels, r('wb', dev.writtenBytes));
      push('disk.reads', labels, r('r', dev.readsCompleted));
      push('disk.writes', labels, r('w', dev.writesCompleted));
      const busy = r('io', dev.ioTimeSeconds);
      push('disk.busy', labels, Number.isNaN(busy) ? busy : Math.min(1, busy));
    }
  }

  private network(n: NetworkStats, push: Push): void {
    for (const i of n.interfaces) {
      const labels = { interface: i.name };
      const r = (field: string, v: number | undefined) =>
        this.rates.rate(`net\0${i.name}\0${field}`, v, n.at);
      push('net.rx_bytes', labels, r('rb', i.rxBytes));
      push('net.tx_bytes', labels, r('tb', i.txBytes));
      push('net.rx_packets', labels, r('rp', i.rxPackets));
      push('net.tx_packets', labels, r('tp', i.txPackets));
      push('net.rx_errors', labels, r('re', i.rxErrors));
      push('net.tx_errors', labels, r('te', i.txErrors));
      push('net.rx_dropped', labels, r('rd', i.rxDropped));
      push('net.tx_dropped', labels, r('td', i.txDropped));
    }
  }
}

function memory(m: MemoryStats, push: Push): void {
  push('memory.total', {}, m.totalBytes);
  push('memory.free', {}, m.freeBytes);
  push('memory.available', {}, m.availableBytes);
  push('memory.used', {}, m.usedBytes);
  if (m.totalBytes > 0) push('memory.used_ratio', {}, m.usedBytes / m.totalBytes);
  push('memory.buffers', {}, m.buffersBytes);
  push('memory.cached', {}, m.cachedBytes);
  push('swap.total', {}, m.swap.totalBytes);
  push('swap.free', {}, m.swap.freeBytes);
  push('swap.used', {}, m.swap.usedBytes);
}

function temperature(t: TemperatureStats, push: Push): void {
  const labels = sensorLabels(t);
  t.sensors.forEach((s, i) => {
    push('temp.sensor', { chip: s.chip, sensor: labels[i] ?? '' }, s.celsius);
  });
  push('temp.cpu_package', {}, t.cpu.packageCelsius);
  push('temp.cpu_max', {}, t.cpu.maxCelsius);
  for (const c of t.cpu.cores) {
    const l: Record<string, string> = { core: String(c.core) };
    if (c.package !== undefined) l.package = String(c.package);
    push('temp.cpu_core', l, c.celsius);
  }
}

function gpu(g: GpuStats, push: Push): void {
  for (const d of g.gpus) {
    const labels = { gpu: String(d.index) };
    push('gpu.utilization', labels, d.utilization);
    push('gpu.memory_utilization', labels, d.memoryUtilization);
    push('gpu.memory_used', labels, d.memoryUsedBytes);
    push('gpu.memory_total', labels, d.memoryTotalBytes);
    push('gpu.temperature', labels, d.temperatureCelsius);
    push('gpu.power', labels, d.powerWatts);
  }
}
