import type { DiskRates, InterfaceRates } from '@omega/hostinfo';
import type { DiskFigures, InterfaceFigures, IntervalFigures } from './interval-figures.js';
import type { SecondReading } from './second-reader.js';

interface Busy {
  sum: number;
  n: number;
  max: number;
}

interface DiskSum {
  seconds: number;
  reads: number;
  writes: number;
  readBytes: number;
  writeBytes: number;
  readTicks: number;
  writeTicks: number;
  queueTime: number;
  busyTime: number;
  peakUtil: number;
  peakIops: number;
  peakReadAwait?: number;
  peakWriteAwait?: number;
}

interface NetSum {
  seconds: number;
  rx: number[];
  tx: number[];
  peakRx: number;
  peakTx: number;
}

/** Folds per-second readings into the figures of one interval. */
export interface IntervalAccumulator {
  add(r: SecondReading): void;
  /** The figures since the last take (or start), and a fresh interval begins. */
  take(): IntervalFigures;
  /** Mean per-core busy since the previous call, without ending the interval (for the 10 s readers). */
  recentCoreBusy(): Map<number, number>;
}

const busy = (): Busy => ({ sum: 0, n: 0, max: 0 });
const addBusy = (b: Busy, v: number) => {
  b.sum += v;
  b.n++;
  if (v > b.max) b.max = v;
};
const entry = (m: Map<number, Busy>, cpu: number): Busy => {
  let b = m.get(cpu);
  if (!b) {
    b = busy();
    m.set(cpu, b);
  }
  return b;
};
const r4 = (n: number) => Math.round(n * 1e4) / 1e4;
const r2 = (n: number) => Math.round(n * 100) / 100;
const maxOf = (a: number | undefined, b: number) => (a === undefined || b > a ? b : a);

function addDisk(m: Map<string, DiskSum>, d: DiskRates): void {
  const dt = d.intervalSeconds;
  if (!(dt > 0)) return;
  let s = m.get(d.name);
  if (!s) {
    s = {
      seconds: 0,
      reads: 0,
      writes: 0,
      readBytes: 0,
      writeBytes: 0,
      readTicks: 0,
      writeTicks: 0,
      queueTime: 0,
      busyTime: 0,
      peakUtil: 0,
      peakIops: 0,
    };
    m.set(d.name, s);
  }
  const reads = d.readsPerSecond * dt;
  const writes = d.writesPerSecond * dt;
  s.seconds += dt;
  s.reads += reads;
  s.writes += writes;
  s.readBytes += d.readBytesPerSecond * dt;
  s.writeBytes += d.writeBytesPerSecond * dt;
  s.readTicks += d.readAwaitMs * reads;
  s.writeTicks += d.writeAwaitMs * writes;
  s.queueTime += d.queueSize * dt;
  s.busyTime += d.utilization * dt;
  s.peakUtil = Math.max(s.peakUtil, d.utilization);
  s.peakIops = Math.max(s.peakIops, d.readsPerSecond + d.writesPerSecond);
  if (reads > 0) s.peakReadAwait = maxOf(s.peakReadAwait, d.readAwaitMs);
  if (writes > 0) s.peakWriteAwait = maxOf(s.peakWriteAwait, d.writeAwaitMs);
}

function diskFigures(name: string, s: DiskSum): DiskFigures {
  const per = (n: number) => (s.seconds > 0 ? n / s.seconds : 0);
  const f: DiskFigures = {
    name,
    seconds: r2(s.seconds),
    readsPerSecond: r2(per(s.reads)),
    writesPerSecond: r2(per(s.writes)),
    readBytesPerSecond: Math.round(per(s.readBytes)),
    writeBytesPerSecond: Math.round(per(s.writeBytes)),
    queueSize: r2(per(s.queueTime)),
    utilization: r4(per(s.busyTime)),
    peak: { utilization: r4(s.peakUtil), iops: r2(s.peakIops) },
  };
  if (s.reads > 0) f.readAwaitMs = r2(s.readTicks / s.reads);
  if (s.writes > 0) f.writeAwaitMs = r2(s.writeTicks / s.writes);
  if (s.peakReadAwait !== undefined) f.peak.readAwaitMs = r2(s.peakReadAwait);
  if (s.peakWriteAwait !== undefined) f.peak.writeAwaitMs = r2(s.peakWriteAwait);
  return f;
}

const NET_FIELDS = ['BytesPerSecond', 'PacketsPerSecond', 'ErrorsPerSecond', 'DroppedPerSecond'] as const;

function addNet(m: Map<string, NetSum>, n: InterfaceRates): void {
  const dt = n.intervalSeconds;
  if (!(dt > 0)) return;
  let s = m.get(n.name);
  if (!s) {
    s = { seconds: 0, rx: [0, 0, 0, 0], tx: [0, 0, 0, 0], peakRx: 0, peakTx: 0 };
    m.set(n.name, s);
  }
  s.seconds += dt;
  NET_FIELDS.forEach((f, i) => {
    s.rx[i]! += n[`rx${f}`] * dt;
    s.tx[i]! += n[`tx${f}`] * dt;
  });
  s.peakRx = Math.max(s.peakRx, n.rxBytesPerSecond);
  s.peakTx = Math.max(s.peakTx, n.txBytesPerSecond);
}

function netFigures(name: string, s: NetSum): InterfaceFigures {
  const per = (v: number) => (s.seconds > 0 ? r2(v / s.seconds) : 0);
  return {
    name,
    seconds: r2(s.seconds),
    rxBytesPerSecond: per(s.rx[0]!),
    txBytesPerSecond: per(s.tx[0]!),
    rxPacketsPerSecond: per(s.rx[1]!),
    txPacketsPerSecond: per(s.tx[1]!),
    rxErrorsPerSecond: per(s.rx[2]!),
    txErrorsPerSecond: per(s.tx[2]!),
    rxDroppedPerSecond: per(s.rx[3]!),
    txDroppedPerSecond: per(s.tx[3]!),
    peak: { rxBytesPerSecond: Math.round(s.peakRx), txBytesPerSecond: Math.round(s.peakTx) },
  };
}

/**
 * Creates an {@link IntervalAccumulator}. Memory is bounded by the devices of the interval: a
 * sum per core, disk and interface, never the readings themselves.
 */
export function createIntervalAccumulator(): IntervalAccumulator {
  let from = 0;
  let to = 0;
  let readings = 0;
  let total = busy();
  let cores = new Map<number, Busy>();
  let disks: Map<string, DiskSum> | undefined;
  let nets: Map<string, NetSum> | undefined;
  let failed: Record<string, string> = {};
  // Per-core busy of the readings since the last recentCoreBusy() call (the 10 s readers').
  let recent = new Map<number, Busy>();
  return {
    add(r) {
      if (readings === 0) from = r.at;
      to = r.at;
      readings++;
      Object.assign(failed, r.failed);
      if (r.cpu) {
        addBusy(total, r.cpu.total.busy);
        for (const c of r.cpu.cores) {
          addBusy(entry(cores, c.cpu), c.busy);
          addBusy(entry(recent, c.cpu), c.busy);
        }
      }
      if (r.disks) {
        disks ??= new Map();
        for (const d of r.disks) addDisk(disks, d);
      }
      if (r.network) {
        nets ??= new Map();
        for (const n of r.network) addNet(nets, n);
      }
    },
    take() {
      const out: IntervalFigures = { from, to, readings, failed };
      if (total.n > 0) {
        out.cpu = {
          total: { busy: r4(total.sum / total.n), max: r4(total.max) },
          cores: [...cores.entries()]
            .sort((a, b) => a[0] - b[0])
            .map(([cpu, b]) => ({ cpu, busy: r4(b.sum / b.n), max: r4(b.max) })),
        };
      }
      if (disks) out.disks = [...disks.entries()].map(([n, s]) => diskFigures(n, s));
      if (nets) out.interfaces = [...nets.entries()].map(([n, s]) => netFigures(n, s));
      readings = 0;
      total = busy();
      cores = new Map();
      disks = undefined;
      nets = undefined;
      failed = {};
      return out;
    },
    recentCoreBusy() {
      const out = new Map<number, number>();
      for (const [cpu, b] of recent) out.set(cpu, b.sum / b.n);
      recent = new Map();
      return out;
    },
  };
}
