import * as si from 'systeminformation';
import { mayHaveGpus } from './may-have-gpus.js';
import type { GpuDevice, GpuStats } from './types.js';

const MIB = 1024 * 1024;

/** A finite number, or undefined (systeminformation gives NaN for nvidia-smi's "[N/A]"). */
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * Maps systeminformation's `graphics()` result to the `gpu` area. Figures the source did not
 * report stay absent, never 0. (systeminformation itself drops nvidia-smi figures that are 0,
 * e.g. an idle GPU's utilization, so absent can also mean "0" there.)
 */
export function toGpuStats(data: si.Systeminformation.GraphicsData, at: number): GpuStats {
  const gpus = data.controllers.map((c, index): GpuDevice => {
    const gpu: GpuDevice = { index, vendor: c.vendor ?? '', model: c.model ?? c.name ?? '' };
    const set = <K extends keyof GpuDevice>(key: K, value: GpuDevice[K] | undefined) => {
      if (value !== undefined) gpu[key] = value;
    };
    set('busAddress', c.busAddress || c.pciBus || undefined);
    set('driverVersion', c.driverVersion || undefined);
    const total = num(c.memoryTotal) ?? (c.vramDynamic ? undefined : num(c.vram));
    set('memoryTotalBytes', total === undefined ? undefined : total * MIB);
    const used = num(c.memoryUsed);
    set('memoryUsedBytes', used === undefined ? undefined : used * MIB);
    const util = num(c.utilizationGpu);
    set('utilization', util === undefined ? undefined : util / 100);
    const memUtil = num(c.utilizationMemory);
    set('memoryUtilization', memUtil === undefined ? undefined : memUtil / 100);
    set('temperatureCelsius', num(c.temperatureGpu));
    set('powerWatts', num(c.powerDraw));
    set('powerLimitWatts', num(c.powerLimit));
    return gpu;
  });
  return { at, available: gpus.length > 0, gpus };
}

/** Where {@link readGpus} looks before it spawns anything, and what it calls then. */
export interface ReadGpusOptions {
  sysRoot: string;
  procRoot: string;
  /** systeminformation's `graphics()` (default); tests count its calls. */
  graphics?: () => Promise<si.Systeminformation.GraphicsData>;
}

/**
 * Reads GPUs through systeminformation (spawns lspci/nvidia-smi: keep it off the 1 s path),
 * unless sysfs shows the host has none ({@link mayHaveGpus}): then no GPUs, nothing spawned.
 */
export async function readGpus(o: ReadGpusOptions): Promise<GpuStats> {
  if (!mayHaveGpus(o.sysRoot, o.procRoot)) return { at: Date.now(), available: false, gpus: [] };
  const data = await (o.graphics ?? si.graphics)();
  return toGpuStats(data, Date.now());
}
