import { absent, present } from '../detected.js';
import { createCommandRunner, firstLine, type RunCommand } from '../io/run-command.js';
import { addNvidiaThresholds, NVIDIA_QUERY_FIELDS, parseNvidiaSmiCsv } from './parse-nvidia-smi.js';
import type { GpuThermalReading } from './thermal-types.js';

/**
 * NVIDIA GPU temperatures, clocks and throttle reasons through `nvidia-smi --query-gpu` (one
 * spawn, ~50–100 ms of CPU: slow cadence, 10 s or more, never the 1 s path), plus thresholds from
 * `nvidia-smi -q -x` when `thresholds` is set (a second spawn; they do not change: read once).
 * Absent when nvidia-smi is not installed or fails (its own first line is the reason, e.g.
 * "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver").
 */
export async function readNvidiaGpus(
  run: RunCommand = createCommandRunner(),
  thresholds = false,
): Promise<GpuThermalReading> {
  const r = await run('nvidia-smi', [
    `--query-gpu=${NVIDIA_QUERY_FIELDS.join(',')}`,
    '--format=csv,noheader,nounits',
  ]);
  if (!r.ok) return absent(r.missing ? 'nvidia-smi not installed' : r.reason);
  if (r.exitCode !== 0) return absent(`nvidia-smi failed: ${firstLine(r.stdout || r.stderr)}`);
  const gpus = parseNvidiaSmiCsv(r.stdout);
  if (gpus.length === 0) return absent('nvidia-smi lists no GPU');
  if (thresholds) {
    const x = await run('nvidia-smi', ['-q', '-x']);
    if (x.ok && x.exitCode === 0) addNvidiaThresholds(gpus, x.stdout);
  }
  return present({ at: Date.now(), gpus });
}
