import type { GpuThermal, GpuThrottleReason } from './thermal-types.js';

/** The reasons queried, in the order of {@link NVIDIA_QUERY_FIELDS} after the bit mask. */
const REASONS: readonly GpuThrottleReason[] = [
  'gpu_idle',
  'applications_clocks_setting',
  'sw_power_cap',
  'hw_slowdown',
  'hw_thermal_slowdown',
  'hw_power_brake_slowdown',
  'sw_thermal_slowdown',
  'sync_boost',
];

/**
 * The `--query-gpu` fields {@link parseNvidiaSmiCsv} expects, in order (nvidia-smi's documented
 * names; see `nvidia-smi --help-query-gpu`). Run with `--format=csv,noheader,nounits`.
 */
export const NVIDIA_QUERY_FIELDS: readonly string[] = [
  'index',
  'uuid',
  'name',
  'pci.bus_id',
  'temperature.gpu',
  'temperature.memory',
  'clocks.sm',
  'clocks.max.sm',
  'power.draw',
  'power.limit',
  'utilization.gpu',
  'clocks_throttle_reasons.active',
  ...REASONS.map((r) => `clocks_throttle_reasons.${r}`),
];

/** A figure, or undefined for nvidia-smi's `[N/A]`, `[Not Supported]`, `N/A` and the like. */
const num = (s: string | undefined): number | undefined => {
  if (s === undefined || s.startsWith('[') || s === 'N/A' || s === '') return undefined;
  const n = s.startsWith('0x') ? Number.parseInt(s, 16) : Number(s);
  return Number.isFinite(n) ? n : undefined;
};

const text = (s: string | undefined): string | undefined =>
  s === undefined || s === '' || s.startsWith('[') ? undefined : s;

/**
 * Parses `nvidia-smi --query-gpu=<NVIDIA_QUERY_FIELDS> --format=csv,noheader,nounits`: one line per
 * GPU, comma-separated. Figures the GPU does not report stay absent, never 0.
 */
export function parseNvidiaSmiCsv(output: string): GpuThermal[] {
  const gpus: GpuThermal[] = [];
  for (const line of output.split('\n')) {
    if (line.trim() === '') continue;
    const f = line.split(',').map((x) => x.trim());
    if (f.length < NVIDIA_QUERY_FIELDS.length) continue;
    const index = num(f[0]);
    if (index === undefined) continue;
    const gpu: GpuThermal = { index, throttleReasons: [] };
    const set = <K extends keyof GpuThermal>(k: K, v: GpuThermal[K] | undefined) => {
      if (v !== undefined) gpu[k] = v;
    };
    set('uuid', text(f[1]));
    set('name', text(f[2]));
    set('busId', text(f[3]));
    set('temperatureCelsius', num(f[4]));
    set('memoryTemperatureCelsius', num(f[5]));
    set('smClockMhz', num(f[6]));
    set('smClockMaxMhz', num(f[7]));
    set('powerWatts', num(f[8]));
    set('powerLimitWatts', num(f[9]));
    const util = num(f[10]);
    set('utilization', util === undefined ? undefined : util / 100);
    set('throttleMask', num(f[11]));
    REASONS.forEach((reason, i) => {
      if (f[12 + i] === 'Active') gpu.throttleReasons.push(reason);
    });
    gpus.push(gpu);
  }
  return gpus;
}

/**
 * Adds the slowdown and shutdown temperatures from `nvidia-smi -q -x` (XML:
 * `<temperature><gpu_temp_slow_threshold>` and `<gpu_temp_max_threshold>`, "NN C") to the GPUs of
 * a CSV reading, matched by order of `<gpu>` elements.
 */
export function addNvidiaThresholds(gpus: GpuThermal[], xml: string): void {
  const blocks = xml.split(/<gpu\s+id=/).slice(1);
  blocks.forEach((block, i) => {
    const gpu = gpus[i];
    if (!gpu) return;
    const slow = /<gpu_temp_slow_threshold>\s*(\d+(?:\.\d+)?)\s*C\s*</.exec(block);
    const max = /<gpu_temp_max_threshold>\s*(\d+(?:\.\d+)?)\s*C\s*</.exec(block);
    if (slow) gpu.slowdownCelsius = Number(slow[1]);
    if (max) gpu.shutdownCelsius = Number(max[1]);
  });
}
