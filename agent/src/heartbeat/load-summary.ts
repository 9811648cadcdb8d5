import {
  createSecondSampler,
  createTemperatureReader,
  hostRoots,
  type RootOptions,
  type RunCommand,
  type SecondSample,
} from '@omega/hostinfo';
import type { LoadSummary } from '@omega/protocol/agent-wire';
import { type NvidiaGpu, readNvidiaGpus } from '../specs/nvidia-gpus.js';

/** The heartbeat's load summary (docs/agent-protocol.md §1): absent fields were not measured, never 0. */
export type { LoadSummary } from '@omega/protocol/agent-wire';

/** Options of {@link createLoadSampler}. */
export interface LoadSamplerOptions extends RootOptions {
  /** Runs nvidia-smi (a recorded answer in tests). */
  run?: RunCommand;
  /** How often temperatures are re-read (default 10 s). */
  temperatureEveryMs?: number;
  /** How often GPUs are re-read (default 30 s; 10 min after nvidia-smi was found missing). */
  gpuEveryMs?: number;
}

/** Samples the load summary; `start()` runs the slow readers in the background and answers their stop. */
export interface LoadSampler {
  sample(): LoadSummary;
  start(): () => void;
}

const round = (n: number, digits = 4) => Number(n.toFixed(digits));

/** The per-heartbeat figures from one reading of the 1 s path (pure; exported for tests). */
export function summarize(s: SecondSample): LoadSummary {
  const out: LoadSummary = {};
  if (s.cpu.intervalSeconds !== null) out.cpu = round(s.cpu.total.busy);
  if (s.cpu.load) {
    out.load1 = s.cpu.load.load1;
    out.load5 = s.cpu.load.load5;
    out.load15 = s.cpu.load.load15;
  }
  out.memUsed = s.memory.usedBytes;
  out.memTotal = s.memory.totalBytes;
  out.swapUsed = s.memory.swap.usedBytes;
  if (s.disks.length > 0) {
    out.diskReadBps = Math.round(s.disks.reduce((a, d) => a + d.readBytesPerSecond, 0));
    out.diskWriteBps = Math.round(s.disks.reduce((a, d) => a + d.writeBytesPerSecond, 0));
    out.diskBusy = round(Math.max(...s.disks.map((d) => d.utilization)));
  }
  const nics = s.network.filter((n) => n.name !== 'lo');
  if (nics.length > 0) {
    out.netRxBps = Math.round(nics.reduce((a, n) => a + n.rxBytesPerSecond, 0));
    out.netTxBps = Math.round(nics.reduce((a, n) => a + n.txBytesPerSecond, 0));
  }
  return out;
}

/** GPU figures of a load summary from an nvidia-smi reading. */
export function gpuLoad(gpus: NvidiaGpu[]): NonNullable<LoadSummary['gpus']> {
  return gpus.map((g) => ({
    index: g.index,
    ...(g.utilization !== undefined ? { util: g.utilization } : {}),
    ...(g.memoryUsedBytes !== undefined ? { memUsed: g.memoryUsedBytes } : {}),
    ...(g.memoryTotalBytes !== undefined ? { memTotal: g.memoryTotalBytes } : {}),
    ...(g.temperatureCelsius !== undefined ? { temp: g.temperatureCelsius } : {}),
  }));
}

/**
 * The heartbeat's load summary: /proc/stat, loadavg, meminfo, diskstats and net/dev read
 * synchronously once per heartbeat (rates over the interval since the previous one), plus the
 * latest temperatures (sysfs, every 10 s) and GPUs (nvidia-smi, every 30 s) read in the
 * background — no spawn and no systeminformation on the heartbeat path.
 */
export function createLoadSampler(options: LoadSamplerOptions = {}): LoadSampler {
  const roots = hostRoots(options);
  const second = createSecondSampler({ root: roots.root, procRoot: roots.proc });
  const temperatures = createTemperatureReader(roots.sys, roots.readText);
  let tempMax: number | undefined;
  let gpus: LoadSummary['gpus'];
  return {
    sample() {
      const out = summarize(second.sample());
      if (tempMax !== undefined) out.tempMax = tempMax;
      if (gpus) out.gpus = gpus;
      return out;
    },
    start() {
      let gpuTimer: NodeJS.Timeout | undefined;
      let stopped = false;
      const readTemps = async () => {
        const t = await temperatures().catch(() => undefined);
        tempMax = t?.available ? Math.max(...t.sensors.map((s) => s.celsius)) : undefined;
      };
      const readGpus = async () => {
        const r = await readNvidiaGpus(options.run);
        gpus = 'gpus' in r ? gpuLoad(r.gpus) : undefined;
        if (stopped) return;
        const missing = 'absent' in r && r.absent === 'nvidia-smi not installed';
        gpuTimer = setTimeout(readGpus, missing ? 600_000 : (options.gpuEveryMs ?? 30_000));
        gpuTimer.unref();
      };
      void readTemps();
      void readGpus();
      const tempTimer = setInterval(() => void readTemps(), options.temperatureEveryMs ?? 10_000);
      tempTimer.unref();
      return () => {
        stopped = true;
        clearInterval(tempTimer);
        clearTimeout(gpuTimer);
      };
    },
  };
}
