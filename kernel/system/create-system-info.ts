import { hostname } from 'node:os';
import { createCpuTracker, createTextReader } from '@omega/hostinfo';
import { SYSTEM_AREAS, type SystemSampleResult } from '@omega/protocol';
import { OmegaError, omegaError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { deepFreeze } from './deep-freeze.js';
import type { HostSource, ReadText } from './host-source.js';
import { createProcSource } from './proc-source.js';
import { readGpus } from './read-gpus.js';
import { shared } from './shared.js';
import { createSiSource } from './si-source.js';
import type { GpuStats, SystemArea, SystemAreaData, SystemInfo, Topology } from './types.js';
import { withFastSensorReads } from './with-fast-sensor-reads.js';

/** Options of {@link createSystemInfo}. */
export interface SystemInfoOptions {
  /**
   * Calls within this many ms of a read's start share its result (default 500: half the 1 s
   * sampling period, so a sampler whose tick comes a few ms early still gets a fresh read).
   */
  cacheMs?: number;
  /** Same for `gpu()`, which spawns lspci/nvidia-smi through systeminformation (default 5000). */
  gpuCacheMs?: number;
  logger?: Logger;
  /** `proc` reads /proc and /sys (default on Linux); `systeminformation` is the portable path. */
  source?: 'proc' | 'systeminformation';
  /** Root of procfs (default `/proc`). */
  procRoot?: string;
  /** Root of sysfs (default `/sys`). */
  sysRoot?: string;
  /**
   * How files are read (default {@link createTextReader}, with the temperature inputs of fast
   * hwmon drivers read synchronously: {@link withFastSensorReads}); tests wrap it to count reads.
   */
  readText?: ReadText;
  /** A statfs slower than this leaves its mount out of the read (default 1000). */
  statfsTimeoutMs?: number;
  /** The mount table is re-read after this many ms (default 10000). */
  mountsRecheckMs?: number;
  /**
   * Filesystem usage (statfs of each mount) is read at most this often, ms, the last values
   * reused in between with the time they were read (`filesystemsAt`); 0 or 1000 (at the 1 s
   * period) reads it every time (default 5000).
   */
  filesystemsRecheckMs?: number;
}

const AREAS: readonly SystemArea[] = SYSTEM_AREAS;

/** One failed area of a `sample`: a coded error as it is; anything else logged, answered as internal. */
function errorOf(area: SystemArea, err: unknown, logger?: Logger): { code: string; message: string } {
  if (err instanceof OmegaError) return { code: err.code, message: err.message };
  logger?.error({ area, err: (err as Error)?.message }, 'system area read failed unexpectedly');
  return { code: 'OMEGA_ERR_INTERNAL', message: `Reading system area "${area}" failed.` };
}

/**
 * Creates the kernel's host-metrics reader (the `system` capability). On Linux the 1 s path
 * reads /proc and /sys only; systeminformation is used for the CPU model at start and on
 * hotplug, and for GPUs.
 */
export function createSystemInfo(options: SystemInfoOptions = {}): SystemInfo {
  const cacheMs = options.cacheMs ?? 500;
  const logger = options.logger;
  const procRoot = options.procRoot ?? '/proc';
  const sysRoot = options.sysRoot ?? '/sys';
  const readText: ReadText =
    options.readText ?? withFastSensorReads(sysRoot, createTextReader(procRoot, sysRoot));
  const kind = options.source ?? (process.platform === 'linux' ? 'proc' : 'systeminformation');
  const source: HostSource =
    kind === 'proc'
      ? createProcSource({
          procRoot,
          sysRoot,
          readText,
          statfsTimeoutMs: options.statfsTimeoutMs ?? 1000,
          mountsRecheckMs: options.mountsRecheckMs ?? 10_000,
          filesystemsRecheckMs: options.filesystemsRecheckMs ?? 5000,
          ...(logger ? { logger } : {}),
        })
      : createSiSource();

  const frozen = <T>(read: () => Promise<T>, ttl = cacheMs) =>
    shared(async () => deepFreeze(await read()), ttl);

  const tracker = createCpuTracker();
  const cpu = frozen(async () => {
    const { sample, load } = await source.cpu();
    return tracker.next(sample, load, Date.now());
  });

  let topo: { key: string; value: Topology } | undefined;
  const topology = frozen(async () => {
    const key = await source.topologyKey();
    if (topo?.key !== key) {
      if (topo) logger?.info({ from: topo.key, to: key }, 'CPU topology changed; re-reading it');
      topo = { key, value: { ...(await source.topology()), hostname: hostname() } };
    }
    return topo.value;
  });

  const gpu = frozen(async (): Promise<GpuStats> => {
    try {
      return await readGpus({ sysRoot, procRoot });
    } catch (err) {
      logger?.warn({ err: (err as Error).message }, 'GPU read failed; reporting none');
      return { at: Date.now(), available: false, gpus: [] };
    }
  }, options.gpuCacheMs ?? 5000);

  const readers: { [A in SystemArea]: () => Promise<SystemAreaData[A]> } = {
    cpu,
    memory: frozen(() => source.memory()),
    disk: frozen(() => source.disk()),
    network: frozen(() => source.network()),
    temperature: frozen(() => source.temperature()),
    gpu,
    topology,
  };

  return {
    ...readers,
    read<A extends SystemArea>(area: A): Promise<SystemAreaData[A]> {
      if (!AREAS.includes(area)) {
        return Promise.reject(
          omegaError('OMEGA_ERR_VALIDATION', `Unknown system area "${String(area)}".`, { area }),
        );
      }
      return readers[area]();
    },
    async sample(areas) {
      const unknown = areas.find((a) => !AREAS.includes(a));
      if (unknown !== undefined || new Set(areas).size !== areas.length) {
        throw omegaError(
          'OMEGA_ERR_VALIDATION',
          unknown !== undefined
            ? `Unknown system area "${String(unknown)}".`
            : 'Each system area may be asked for at most once.',
          { areas: areas.slice(0, AREAS.length + 1).map(String) },
        );
      }
      const settled = await Promise.allSettled(areas.map((a) => readers[a]()));
      const out: SystemSampleResult = { data: {}, errors: {} };
      settled.forEach((r, i) => {
        const area = areas[i] as SystemArea;
        if (r.status === 'fulfilled') out.data[area] = r.value;
        else out.errors[area] = errorOf(area, r.reason, logger);
      });
      return out;
    },
    async snapshot() {
      const [c, m, d, n, t, g, tp] = await Promise.all([
        readers.cpu(),
        readers.memory(),
        readers.disk(),
        readers.network(),
        readers.temperature(),
        readers.gpu(),
        readers.topology(),
      ]);
      return { at: Date.now(), cpu: c, memory: m, disk: d, network: n, temperature: t, gpu: g, topology: tp };
    },
  };
}
