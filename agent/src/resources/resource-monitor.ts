import { join } from 'node:path';
import {
  absent,
  createCommandRunner,
  createFilesystemReader,
  createThrottleLog,
  type Detected,
  type FilesystemUsage,
  hostRoots,
  parseMounts,
  parseNetDev,
  present,
  readBtrfs,
  readCpufreq,
  readInterfaces,
  readMdstat,
  readNuma,
  readNvidiaGpus,
  readOptional,
  readSmart,
  readThermal,
  readThrottle,
  readZpools,
} from '@omega/hostinfo';
import { healthDetail, healthSummary, initialHealth } from './health/health-sections.js';
import { interfacesReport, type NetInterfacesReport } from './network/interfaces-report.js';
import { numaDetail, numaSummary } from './numa/numa-sections.js';
import type { ReporterLogger } from './reporter-host.js';
import { type ResourceOptions, resolveResourceOptions } from './resource-options.js';
import type { DetailSection, ResourceDetail, ResourceSummary } from './resource-report.js';
import { createIntervalAccumulator } from './sampling/interval-accumulator.js';
import type { IntervalFigures } from './sampling/interval-figures.js';
import { createSecondReader } from './sampling/second-reader.js';
import { storageDetail, storageSummary, usageKey } from './storage/storage-sections.js';
import { createUsageHistory } from './storage/usage-history.js';
import { createHeldDownLog } from './thermal/held-down-log.js';
import { initialThermal, thermalDetail, thermalSummary } from './thermal/thermal-sections.js';

/** What one report interval produced. */
export interface IntervalReports {
  summary: ResourceSummary;
  interfaces: NetInterfacesReport;
}

/** The machine's resources, read at their cadences and folded into reports. */
export interface ResourceMonitor {
  /** One per-second reading (the timers call it). */
  second(): void;
  /** The 10 s readers, and the slower ones when due. */
  slow(): Promise<void>;
  /** Ends the interval: the summary and the interfaces report. */
  report(): Promise<IntervalReports>;
  /** The detail of `sections` (all when empty), read fresh where it is cheap. */
  detail(sections: readonly DetailSection[]): Promise<ResourceDetail>;
  /** Changes whenever something worth reporting at once changes (health, throttling, held-down CPUs). */
  changeDigest(): string;
  /** Runs the per-second and slow timers (`afterSlow` after each slow round); answers their stop. */
  start(afterSlow?: () => void): () => void;
}

/** Mounts' free space comes from statfs on the running machine, never from a recorded tree. */
const RECORDED_FS = 'free space comes from statfs(2) on the running machine, not from a recorded tree';

/**
 * Creates the {@link ResourceMonitor} of docs/resources.md: per-second /proc readings folded
 * per interval (iostat -x exact), slow sysfs readers every 10 s (throttle counters into a
 * throttle log, cpufreq into a held-down log, md, btrfs, filesystems into a usage history), and
 * the tools (nvidia-smi, zpool, smartctl) every few minutes. Every source is optional: a missing
 * one is reported absent with why.
 */
export function createResourceMonitor(o: ResourceOptions = {}, log?: ReporterLogger): ResourceMonitor {
  const c = resolveResourceOptions(o);
  const roots = hostRoots(o);
  const live = roots.proc === '/proc';
  const run = o.run ?? createCommandRunner();
  const reader = createSecondReader(roots.proc, o.monotonicNow);
  const acc = createIntervalAccumulator();
  const usage = createUsageHistory({ ...o.usage, ...(log ? { log } : {}) });
  const statfs = createFilesystemReader(c.statfsTimeoutMs);
  const thermal = initialThermal(createThrottleLog(), createHeldDownLog());
  const health = initialHealth();
  let filesystems: Detected<{ list: FilesystemUsage[] }> = absent(
    live ? 'not read yet: the first reading comes within the slow cadence' : RECORDED_FS,
  );
  let last: IntervalFigures | undefined;
  let gpuDue = 0;
  let zfsDue = 0;
  let smartDue = 0;
  let slowRunning = false;
  const thresholds = new Map<number, { slowdownCelsius?: number; shutdownCelsius?: number }>();

  const readFilesystems = async (at: number) => {
    if (!live) return;
    const mounts = await readOptional(roots.readText, join(roots.proc, 'mounts'));
    if (mounts === undefined) {
      filesystems = absent(`cannot read ${join(roots.proc, 'mounts')}`);
      return;
    }
    const list = await statfs(parseMounts(mounts));
    for (const fs of list) usage.note(usageKey(fs), at, fs.usedBytes);
    usage.keepOnly(new Set(list.map(usageKey)));
    usage.save();
    filesystems = present({ list });
  };

  const slowOnce = async () => {
    const at = Date.now();
    const [throttle, freq, md, btrfs] = await Promise.all([
      readThrottle(o),
      readCpufreq(o),
      readMdstat(o),
      readBtrfs(o),
      readFilesystems(at).catch((err: Error) => {
        filesystems = absent(`reading filesystems failed: ${err.message}`);
      }),
    ]);
    thermal.throttle = throttle;
    if (throttle.available) thermal.throttleLog.record(throttle);
    thermal.frequency = freq;
    const busy = acc.recentCoreBusy();
    if (freq.available) thermal.heldDown.record(freq.at, freq.cpus, busy);
    health.md = md;
    health.btrfs = btrfs;
    if (at >= gpuDue) {
      // Thresholds do not change: read them (a second spawn) until a reading has them, then keep them.
      const g = await readNvidiaGpus(run, thresholds.size === 0);
      if (g.available)
        for (const gpu of g.gpus) {
          const known = thresholds.get(gpu.index);
          if (gpu.slowdownCelsius !== undefined || gpu.shutdownCelsius !== undefined)
            thresholds.set(gpu.index, {
              slowdownCelsius: gpu.slowdownCelsius,
              shutdownCelsius: gpu.shutdownCelsius,
            });
          else if (known) {
            if (known.slowdownCelsius !== undefined) gpu.slowdownCelsius = known.slowdownCelsius;
            if (known.shutdownCelsius !== undefined) gpu.shutdownCelsius = known.shutdownCelsius;
          }
        }
      thermal.gpus = g;
      gpuDue = at + (!g.available && g.reason === 'nvidia-smi not installed' ? 600_000 : c.gpuEveryMs);
    }
    if (at >= zfsDue) {
      zfsDue = at + c.zfsEveryMs;
      const zfs = await readZpools(run);
      health.zfs = zfs.available ? { ...zfs, readAt: at } : zfs;
    }
    if (at >= smartDue) {
      smartDue = at + c.smartEveryMs;
      const disks = (last?.disks ?? []).map((d) => `/dev/${d.name}`);
      const smart = await readSmart(run, live ? disks : []);
      health.smart = smart.available ? { ...smart, readAt: at } : smart;
    }
  };

  const sensors = async () => {
    thermal.sensors = await readThermal(o);
  };

  const monitor: ResourceMonitor = {
    second() {
      acc.add(reader.read());
    },
    async slow() {
      if (slowRunning) return;
      slowRunning = true;
      try {
        await slowOnce();
      } catch (err) {
        log?.warn({ err: (err as Error).message }, 'a slow resource reader failed');
      } finally {
        slowRunning = false;
      }
    },
    async report() {
      const f = acc.take();
      last = f;
      const now = Date.now();
      const [numa, infos, netdev] = await Promise.all([
        readNuma(o),
        readInterfaces(o),
        readOptional(roots.readText, join(roots.proc, 'net/dev')),
        sensors(),
      ]);
      const summary: ResourceSummary = {
        v: 1,
        at: now,
        intervalSeconds: Math.round((f.to - f.from) / 1000),
        ...numaSummary(numa, f),
        thermal: thermalSummary(thermal, now, c.throttleWindowMs),
        storage: storageSummary(f, filesystems, usage),
        health: healthSummary(health),
      };
      if (Object.keys(f.failed).length > 0) summary.failed = f.failed;
      const counters = netdev === undefined ? undefined : parseNetDev(netdev);
      return { summary, interfaces: interfacesReport(now, infos, f.interfaces, counters) };
    },
    async detail(sections) {
      const want = (s: DetailSection) => sections.length === 0 || sections.includes(s);
      const now = Date.now();
      const out: ResourceDetail = { v: 1, at: now };
      if (want('numa')) out.numa = numaDetail(await readNuma(o), last);
      if (want('thermal')) {
        await sensors();
        out.thermal = thermalDetail(thermal, now, c.throttleWindowMs);
      }
      if (want('storage')) out.storage = storageDetail(last, filesystems, usage);
      if (want('health')) out.health = healthDetail(health);
      return out;
    },
    changeDigest() {
      const now = Date.now();
      const t = thermalSummary(thermal, now, c.throttleWindowMs);
      return JSON.stringify([
        healthSummary(health),
        t.throttle.available ? t.throttle.lastAt : null,
        t.frequency.available ? t.frequency.heldDown.lastAt : null,
        t.gpus.available ? t.gpus.gpus.map((g) => g.throttleReasons) : null,
      ]);
    },
    start(afterSlow) {
      const second = setInterval(() => {
        try {
          monitor.second();
        } catch (err) {
          log?.warn({ err: (err as Error).message }, 'a per-second resource reading failed');
        }
      }, c.sampleEveryMs);
      const slowRound = () => void monitor.slow().then(() => afterSlow?.());
      const slow = setInterval(slowRound, c.slowEveryMs);
      second.unref();
      slow.unref();
      monitor.second();
      slowRound();
      return () => {
        clearInterval(second);
        clearInterval(slow);
        usage.save();
      };
    },
  };
  return monitor;
}
