import os from 'node:os';
import * as si from 'systeminformation';
import type { HostSource } from './host-source.js';
import type { CpuTimes, MemoryStats, TemperatureSensor } from './types.js';

const cpuTimes = (t: os.CpuInfo['times']): CpuTimes => ({
  user: t.user / 1000,
  nice: t.nice / 1000,
  system: t.sys / 1000,
  idle: t.idle / 1000,
  iowait: 0,
  irq: t.irq / 1000,
  softirq: 0,
  steal: 0,
});

const sum = (list: CpuTimes[]): CpuTimes => {
  const total = cpuTimes({ user: 0, nice: 0, sys: 0, idle: 0, irq: 0 });
  for (const t of list) for (const k of Object.keys(total) as Array<keyof CpuTimes>) total[k] += t[k];
  return total;
};

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * The portable source for hosts without /proc (macOS, Windows, BSD): CPU times from
 * `os.cpus()` (no process spawned), everything else from systeminformation's equivalents.
 * Slower than the /proc source; sample it less often.
 */
export function createSiSource(): HostSource {
  return {
    async cpu() {
      const cores = os.cpus().map((c, cpu) => ({ cpu, times: cpuTimes(c.times) }));
      const sample = { total: sum(cores.map((c) => c.times)), cores };
      if (process.platform === 'win32') return { sample }; // os.loadavg() is [0, 0, 0] there: not a load.
      const [load1, load5, load15] = os.loadavg() as [number, number, number];
      return { sample, load: { load1, load5, load15 } };
    },
    async memory() {
      const m = await si.mem();
      const stats: MemoryStats = {
        at: Date.now(),
        totalBytes: m.total,
        freeBytes: m.free,
        usedBytes: m.total - (finite(m.available) ? m.available : m.free),
        swap: { totalBytes: m.swaptotal, freeBytes: m.swapfree, usedBytes: m.swapused },
      };
      if (finite(m.available)) stats.availableBytes = m.available;
      if (finite(m.buffers)) stats.buffersBytes = m.buffers;
      if (finite(m.cached)) stats.cachedBytes = m.cached;
      return stats;
    },
    async disk() {
      const [sizes, io] = await Promise.all([si.fsSize(), si.disksIO()]);
      const filesystems = sizes.map((f) => ({
        mount: f.mount,
        device: f.fs,
        fstype: f.type,
        readOnly: f.rw === false,
        sizeBytes: f.size,
        usedBytes: f.used,
        freeBytes: f.size - f.used,
        availBytes: f.available,
      }));
      // systeminformation sums all disks; it has no per-device counters.
      const devices =
        io && finite(io.rIO) && finite(io.wIO)
          ? [{ name: 'all', readsCompleted: io.rIO, writesCompleted: io.wIO }]
          : [];
      return { at: Date.now(), filesystems, devices };
    },
    async network() {
      const stats = await si.networkStats('*');
      const interfaces = stats.map((s) => ({
        name: s.iface,
        rxBytes: s.rx_bytes,
        rxErrors: s.rx_errors,
        rxDropped: s.rx_dropped,
        txBytes: s.tx_bytes,
        txErrors: s.tx_errors,
        txDropped: s.tx_dropped,
      }));
      return { at: Date.now(), interfaces };
    },
    async temperature() {
      const t = await si.cpuTemperature();
      const sensors: TemperatureSensor[] = [];
      const sensor = (label: string, celsius: unknown) => {
        if (finite(celsius)) sensors.push({ chip: 'cpu', label, celsius, source: 'systeminformation' });
      };
      sensor('Package', t.main);
      t.cores.forEach((c, i) => {
        sensor(`Core ${i}`, c);
      });
      const cores = t.cores.flatMap((celsius, core) => (finite(celsius) ? [{ core, celsius }] : []));
      const cpu = {
        cores,
        ...(finite(t.main) ? { packageCelsius: t.main } : {}),
        ...(finite(t.max) ? { maxCelsius: t.max } : {}),
      };
      return { at: Date.now(), available: sensors.length > 0, sensors, cpu };
    },
    async topologyKey() {
      return String(os.cpus().length);
    },
    async topology() {
      const spec = await si.cpu();
      const cpus = os.cpus().map((_, cpu) => ({ cpu }));
      return {
        at: Date.now(),
        vendor: spec.manufacturer,
        model: spec.brand,
        sockets: spec.processors,
        physicalCores: spec.physicalCores,
        logicalCores: cpus.length,
        cpus,
        numaNodes: [],
      };
    },
  };
}
