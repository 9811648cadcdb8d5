import { createCommandRunner, firstLine, type RunCommand } from '@omega/hostinfo';

/** The `--query-gpu` fields {@link parseNvidiaGpus} expects, in order. */
export const NVIDIA_GPU_FIELDS = [
  'index',
  'uuid',
  'name',
  'pci.bus_id',
  'memory.total',
  'memory.used',
  'utilization.gpu',
  'temperature.gpu',
] as const;

/** One NVIDIA GPU as nvidia-smi reports it (MiB turned into bytes, % into a share). */
export interface NvidiaGpu {
  index: number;
  uuid?: string;
  model: string;
  busId?: string;
  memoryTotalBytes?: number;
  memoryUsedBytes?: number;
  utilization?: number;
  temperatureCelsius?: number;
}

const num = (s: string | undefined): number | undefined => {
  if (s === undefined || s === '' || s.startsWith('[') || s === 'N/A') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
};

/** Parses `nvidia-smi --query-gpu=<NVIDIA_GPU_FIELDS> --format=csv,noheader,nounits`. */
export function parseNvidiaGpus(csv: string): NvidiaGpu[] {
  const out: NvidiaGpu[] = [];
  for (const line of csv.split('\n')) {
    if (!line.trim()) continue;
    const f = line.split(',').map((s) => s.trim());
    const index = num(f[0]);
    if (index === undefined) continue;
    const gpu: NvidiaGpu = { index, model: f[2] || 'NVIDIA GPU' };
    if (f[1] && !f[1].startsWith('[')) gpu.uuid = f[1];
    if (f[3] && !f[3].startsWith('[')) gpu.busId = f[3];
    const total = num(f[4]);
    const used = num(f[5]);
    const util = num(f[6]);
    const temp = num(f[7]);
    if (total !== undefined) gpu.memoryTotalBytes = total * 1024 * 1024;
    if (used !== undefined) gpu.memoryUsedBytes = used * 1024 * 1024;
    if (util !== undefined) gpu.utilization = util / 100;
    if (temp !== undefined) gpu.temperatureCelsius = temp;
    out.push(gpu);
  }
  return out;
}

/**
 * NVIDIA GPUs through one `nvidia-smi` spawn (~50–100 ms of CPU: a slow cadence, never the
 * heartbeat path). Absent with nvidia-smi's own reason when it is missing or fails.
 */
export async function readNvidiaGpus(
  run: RunCommand = createCommandRunner(),
): Promise<{ gpus: NvidiaGpu[] } | { absent: string }> {
  const r = await run('nvidia-smi', [
    `--query-gpu=${NVIDIA_GPU_FIELDS.join(',')}`,
    '--format=csv,noheader,nounits',
  ]);
  if (!r.ok) return { absent: r.missing ? 'nvidia-smi not installed' : r.reason };
  if (r.exitCode !== 0) return { absent: `nvidia-smi failed: ${firstLine(r.stdout || r.stderr)}` };
  const gpus = parseNvidiaGpus(r.stdout);
  return gpus.length ? { gpus } : { absent: 'nvidia-smi lists no GPU' };
}
