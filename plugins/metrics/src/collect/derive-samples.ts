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

/**
 * Turns what the system capability answers into gauge samples and per-second rates. Keeps
 * the previous counters, so the first collection has no rates (absent, not 0). Fields a
 * host does not report produce no sample at all.
 *
 * The series of one collection are described once, as {@link layout} slots; while a collection
 * yields the same series in the same order as the previous one the slots (labels and exposition
 * names) are reused and {@link layoutVersion} stays, so a consumer resolves series ids once per
 * change of layout, not once per sample per second.
 *
 * No closure is made per collection: a collection's state lives in fields and every step is a
 * method. Closures made anew each second (a `push` per collection, an `r` per device) get
 * optimised code V8 holds only weakly once the previous second's closures are garbage, so each
 * full GC (a host's idle settle, every ~20 s) threw it away and TurboFan compiled the same
 * functions again, in the plugin host, about once a minute each (V8 code log, real kernel).
 */
export class SampleDeriver {
  private readonly rates = new CounterRates();
  private readonly cpuPrev = new Map<string, CpuTimes>();
  private slots: SampleSlot[] = [];
  private version = 0;
  // The collection in progress: its samples, the previous layout, and the new one once it differs.
  private out: CollectedSample[] = [];
  private prev: SampleSlot[] = [];
  private changed: SampleSlot[] | undefined;

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
    this.out = out;
    this.prev = prev;
    this.changed = undefined;
    if (data.cpu) this.cpu(data.cpu);
    if (data.memory) this.memory(data.memory);
    if (data.disk) this.disk(data.disk);
    if (data.network) this.network(data.network);
    if (data.temperature) this.temperature(data.temperature);
    if (data.gpu) this.gpu(data.gpu);
    this.rates.sweep();
    // Set by push(); TypeScript still narrows the field to the undefined assigned above.
    let slots = this.changed as SampleSlot[] | undefined;
    this.out = [];
    this.prev = [];
    this.changed = undefined;
    if (slots === undefined && out.length !== prev.length) slots = prev.slice(0, out.length);
    if (slots !== undefined || this.version === 0) {
      this.slots = slots ?? prev;
      this.version++;
    }
    return out;
  }

  /** Records one sample; `prom` overrides the exposition's labels (default: the sample's) or name. */
  private push(name: string, labels: Labels, value: number | undefined, prom?: Partial<PromName>): void {
    if (value === undefined || !Number.isFinite(value)) return;
    const out = this.out;
    const i = out.length;
    let slot = this.prev[i];
    if (
      this.changed !== undefined ||
      slot === undefined ||
      slot.name !== name ||
      !sameLabels(slot.labels, labels) ||
      (prom?.name !== undefined && prom.name !== slot.prom.name) ||
      (prom?.labels === undefined
        ? slot.prom.labels !== undefined
        : !sameLabels(prom.labels, slot.prom.labels ?? slot.labels))
    ) {
      this.changed ??= this.prev.slice(0, i);
      const promName = prom?.name ?? exposedAs(name).name;
      slot = {
        name,
        labels,
        prom:
          prom?.labels && !sameLabels(prom.labels, labels)
            ? { name: promName, labels: prom.labels }
            : { name: promName },
      };
      this.changed.push(slot);
    }
    out.push({ name, labels: slot.labels, value });
  }

  private cpu(c: CpuStats): void {
    this.cpuOne('total', c.total.seconds);
    for (const core of c.cores) this.cpuOne(String(core.cpu), core.seconds);
    if (c.load) {
      this.push('load.1', {}, c.load.load1);
      this.push('load.5', {}, c.load.load5);
      this.push('load.15', {}, c.load.load15);
    }
  }

  private cpuOne(label: string, seconds: CpuTimes): void {
    const prev = this.cpuPrev.get(label);
    this.cpuPrev.set(label, seconds);
    const s = prev ? cpuShares(prev, seconds) : null;
    if (!s) return;
    const labels = { cpu: label };
    this.push('cpu.busy', labels, s.busy);
    this.push('cpu.user', labels, s.user);
    this.push('cpu.system', labels, s.system);
    this.push('cpu.iowait', labels, s.iowait);
    this.push('cpu.steal', labels, s.steal);
  }

  private memory(m: MemoryStats): void {
    this.push('memory.total', {}, m.totalBytes);
    this.push('memory.free', {}, m.freeBytes);
    this.push('memory.available', {}, m.availableBytes);
    this.push('memory.used', {}, m.usedBytes);
    if (m.totalBytes > 0) this.push('memory.used_ratio', {}, m.usedBytes / m.totalBytes);
    this.push('memory.buffers', {}, m.buffersBytes);
    this.push('memory.cached', {}, m.cachedBytes);
    this.push('swap.total', {}, m.swap.totalBytes);
    this.push('swap.free', {}, m.swap.freeBytes);
    this.push('swap.used', {}, m.swap.usedBytes);
  }

  private disk(d: DiskStats): void {
    for (const fs of d.filesystems) {
      const labels = { mount: fs.mount };
      const prom = { labels: filesystemLabels(fs) };
      this.push('fs.size', labels, fs.sizeBytes, prom);
      this.push('fs.free', labels, fs.freeBytes, prom);
      this.push('fs.avail', labels, fs.availBytes, prom);
      this.push('fs.used', labels, fs.usedBytes, prom);
      const denom = fs.usedBytes + fs.availBytes;
      if (denom > 0) this.push('fs.used_ratio', labels, fs.usedBytes / denom, prom);
    }
    const rates = this.rates;
    const at = d.at;
    for (const dev of d.devices) {
      const labels = { device: dev.name };
      const k = `disk\0${dev.name}\0`;
      this.push('disk.read_bytes', labels, rates.rate(`${k}rb`, dev.readBytes, at));
      this.push('disk.write_bytes', labels, rates.rate(`${k}wb`, dev.writtenBytes, at));
      this.push('disk.reads', labels, rates.rate(`${k}r`, dev.readsCompleted, at));
      this.push('disk.writes', labels, rates.rate(`${k}w`, dev.writesCompleted, at));
      const busy = rates.rate(`${k}io`, dev.ioTimeSeconds, at);
      this.push('disk.busy', labels, Number.isNaN(busy) ? busy : Math.min(1, busy));
    }
  }

  private network(n: NetworkStats): void {
    const rates = this.rates;
    const at = n.at;
    for (const i of n.interfaces) {
      const labels = { interface: i.name };
      const prom = { labels: { device: i.name } };
      const k = `net\0${i.name}\0`;
      this.push('net.rx_bytes', labels, rates.rate(`${k}rb`, i.rxBytes, at), prom);
      this.push('net.tx_bytes', labels, rates.rate(`${k}tb`, i.txBytes, at), prom);
      this.push('net.rx_packets', labels, rates.rate(`${k}rp`, i.rxPackets, at), prom);
      this.push('net.tx_packets', labels, rates.rate(`${k}tp`, i.txPackets, at), prom);
      this.push('net.rx_errors', labels, rates.rate(`${k}re`, i.rxErrors, at), prom);
      this.push('net.tx_errors', labels, rates.rate(`${k}te`, i.txErrors, at), prom);
      this.push('net.rx_dropped', labels, rates.rate(`${k}rd`, i.rxDropped, at), prom);
      this.push('net.tx_dropped', labels, rates.rate(`${k}td`, i.txDropped, at), prom);
    }
  }

  private temperature(t: TemperatureStats): void {
    const labels = sensorLabels(t);
    const exposed = sensorExposition(t);
    for (let i = 0; i < t.sensors.length; i++) {
      const s = t.sensors[i] as TemperatureStats['sensors'][number];
      this.push('temp.sensor', { chip: s.chip, sensor: labels[i] ?? '' }, s.celsius, exposed[i]);
    }
    this.push('temp.cpu_package', {}, t.cpu.packageCelsius);
    this.push('temp.cpu_max', {}, t.cpu.maxCelsius);
    for (const c of t.cpu.cores) {
      const l: Record<string, string> = { core: String(c.core) };
      if (c.package !== undefined) l.package = String(c.package);
      this.push('temp.cpu_core', l, c.celsius);
    }
  }

  private gpu(g: GpuStats): void {
    for (const d of g.gpus) {
      const labels = { gpu: String(d.index) };
      const prom = { labels: gpuLabels(d) };
      this.push('gpu.utilization', labels, d.utilization, prom);
      this.push('gpu.memory_utilization', labels, d.memoryUtilization, prom);
      this.push('gpu.memory_used', labels, d.memoryUsedBytes, prom);
      this.push('gpu.memory_total', labels, d.memoryTotalBytes, prom);
      this.push('gpu.temperature', labels, d.temperatureCelsius, prom);
      this.push('gpu.power', labels, d.powerWatts, prom);
    }
  }
}
