import {
  exposedAs,
  filesystemLabels,
  gpuLabels,
  type PromName,
  sensorExposition,
} from '../prometheus/exposition-names.js';
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
import { sensorLabels } from './sensor-labels.js';

/**
 * How the Prometheus exposition names one sample (`GET /api/v1/metrics/prometheus`, see
 * ../prometheus/exposition-names.ts); `labels` only where they differ from the sample's.
 */
export interface SamplePromName {
  name: string;
  labels?: Labels;
}

/**
 * One series of a collection, in the order {@link SampleDeriver.derive} returns its samples:
 * its name and labels and the exposition's name of it. The same slot objects are kept from one
 * collection to the next while the series stay the same (see {@link SampleDeriver.layout}).
 */
export interface SampleSlot {
  name: string;
  labels: Labels;
  prom: SamplePromName;
}

/** A sample of one collection (its exposition name: the slot at the same index). */
export type CollectedSample = Sample;

/** True when both label sets hold the same pairs (no allocation: runs for every sample). */
function sameLabels(a: Labels, b: Labels): boolean {
  let n = 0;
  for (const k in a) {
    if (a[k] !== b[k]) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

/** Records one sample; `prom` overrides the exposition's labels (default: the sample's) or name. */
type Push = (name: string, labels: Labels, value: number | undefined, prom?: Partial<PromName>) => void;

/**
 * Turns what the system capability answers into gauge samples and per-second rates. Keeps
 * the previous counters, so the first collection has no rates (absent, not 0). Fields a
 * host does not report produce no sample at all.
 *
 * The series of one collection are described once, as {@link layout} slots; while a collection
 * yields the same series in the same order as the previous one the slots (labels and exposition
 * names) are reused and {@link layoutVersion} stays, so a consumer resolves series ids once per
 * change of layout, not once per sample per second.
 */
export class SampleDeriver {
  private readonly rates = new CounterRates();
  private readonly cpuPrev = new Map<string, CpuTimes>();
  private slots: SampleSlot[] = [];
  private version = 0;

  /** The series of the newest collection, index for index with the samples it returned. */
  get layout(): readonly SampleSlot[] {
    return this.slots;
  }

  /** Changes whenever {@link layout} differs from the previous collection's (starts at 1). */
  get layoutVersion(): number {
    return this.version;
  }

  /** Samples of one collection; areas missing from `data` (failed reads) give none. */
  derive(data: Partial<SystemAreaData>): CollectedSample[] {
    const out: CollectedSample[] = [];
    const prev = this.slots;
    let slots: SampleSlot[] | undefined;
    const push: Push = (name, labels, value, prom) => {
      if (value === undefined || !Number.isFinite(value)) return;
      const i = out.length;
      let slot = prev[i];
      if (
        slots !== undefined ||
        slot === undefined ||
        slot.name !== name ||
        !sameLabels(slot.labels, labels) ||
        (prom?.name !== undefined && prom.name !== slot.prom.name) ||
        (prom?.labels === undefined
          ? slot.prom.labels !== undefined
          : !sameLabels(prom.labels, slot.prom.labels ?? slot.labels))
      ) {
        slots ??= prev.slice(0, i);
        const promName = prom?.name ?? exposedAs(name).name;
        slot = {
          name,
          labels,
          prom:
            prom?.labels && !sameLabels(prom.labels, labels)
              ? { name: promName, labels: prom.labels }
              : { name: promName },
        };
        slots.push(slot);
      }
      out.push({ name, labels: slot.labels, value });
    };
    if (data.cpu) this.cpu(data.cpu, push);
    if (data.memory) memory(data.memory, push);
    if (data.disk) this.disk(data.disk, push);
    if (data.network) this.network(data.network, push);
    if (data.temperature) temperature(data.temperature, push);
    if (data.gpu) gpu(data.gpu, push);
    this.rates.sweep();
    if (slots === undefined && out.length !== prev.length) slots = prev.slice(0, out.length);
    if (slots !== undefined || this.version === 0) {
      this.slots = slots ?? prev;
      this.version++;
    }
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
      const prom = { labels: filesystemLabels(fs) };
      push('fs.size', labels, fs.sizeBytes, prom);
      push('fs.free', labels, fs.freeBytes, prom);
      push('fs.avail', labels, fs.availBytes, prom);
      push('fs.used', labels, fs.usedBytes, prom);
      const denom = fs.usedBytes + fs.availBytes;
      if (denom > 0) push('fs.used_ratio', labels, fs.usedBytes / denom, prom);
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
      const prom = { labels: { device: i.name } };
      const r = (field: string, v: number | undefined) =>
        this.rates.rate(`net\0${i.name}\0${field}`, v, n.at);
      push('net.rx_bytes', labels, r('rb', i.rxBytes), prom);
      push('net.tx_bytes', labels, r('tb', i.txBytes), prom);
      push('net.rx_packets', labels, r('rp', i.rxPackets), prom);
      push('net.tx_packets', labels, r('tp', i.txPackets), prom);
      push('net.rx_errors', labels, r('re', i.rxErrors), prom);
      push('net.tx_errors', labels, r('te', i.txErrors), prom);
      push('net.rx_dropped', labels, r('rd', i.rxDropped), prom);
      push('net.tx_dropped', labels, r('td', i.txDropped), prom);
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
  const exposed = sensorExposition(t);
  t.sensors.forEach((s, i) => {
    push('temp.sensor', { chip: s.chip, sensor: labels[i] ?? '' }, s.celsius, exposed[i]);
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
    const prom = { labels: gpuLabels(d) };
    push('gpu.utilization', labels, d.utilization, prom);
    push('gpu.memory_utilization', labels, d.memoryUtilization, prom);
    push('gpu.memory_used', labels, d.memoryUsedBytes, prom);
    push('gpu.memory_total', labels, d.memoryTotalBytes, prom);
    push('gpu.temperature', labels, d.temperatureCelsius, prom);
    push('gpu.power', labels, d.powerWatts, prom);
  }
}
