import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NVIDIA_QUERY_FIELDS, parseNvidiaSmiCsv, readNvidiaGpus } from '../src/index.js';
import { FIXTURES } from './helpers/host-tools.js';
import { printed, replay } from './helpers/replay.js';

/** Hand-written from NVIDIA's documented output formats (no GPU on this machine; fixtures/README.md). */
const CSV = readFileSync(join(FIXTURES, 'hand-written/nvidia-smi-query.csv'), 'utf8');
const XML = readFileSync(join(FIXTURES, 'hand-written/nvidia-smi-q.xml'), 'utf8');

describe('nvidia-smi', () => {
  it('asks for the documented clocks_throttle_reasons.* fields', () => {
    expect(NVIDIA_QUERY_FIELDS).toContain('clocks_throttle_reasons.hw_thermal_slowdown');
    expect(NVIDIA_QUERY_FIELDS).toContain('temperature.gpu');
  });

  it('parses temperatures, clocks, power and the active throttle reasons; [N/A] stays absent', () => {
    const [a100, t4] = parseNvidiaSmiCsv(CSV);
    expect(a100).toEqual({
      index: 0,
      uuid: 'GPU-5c1f0e6a-8d3b-4f5e-9a1c-2b7d6e4f8a90',
      name: 'NVIDIA A100-SXM4-40GB',
      busId: '00000000:07:00.0',
      temperatureCelsius: 84,
      memoryTemperatureCelsius: 89,
      smClockMhz: 1095,
      smClockMaxMhz: 1410,
      powerWatts: 398.12,
      powerLimitWatts: 400,
      utilization: 1,
      throttleMask: 0x24,
      throttleReasons: ['sw_power_cap', 'sw_thermal_slowdown'],
    });
    expect(t4!.memoryTemperatureCelsius).toBeUndefined();
    expect('memoryTemperatureCelsius' in t4!).toBe(false);
    expect(t4!.throttleReasons).toEqual(['gpu_idle']);
    expect(t4!.utilization).toBe(0);
  });

  it('the reader adds slowdown/shutdown thresholds from -q -x', async () => {
    const run = replay({ 'nvidia-smi --query-gpu': printed(CSV), 'nvidia-smi -q': printed(XML) });
    const r = await readNvidiaGpus(run, true);
    if (!r.available) throw new Error(r.reason);
    expect(r.gpus.map((g) => [g.slowdownCelsius, g.shutdownCelsius])).toEqual([
      [89, 92],
      [93, 96],
    ]);
    expect(run.calls[0]).toEqual([
      'nvidia-smi',
      `--query-gpu=${NVIDIA_QUERY_FIELDS.join(',')}`,
      '--format=csv,noheader,nounits',
    ]);
  });

  it('absent with why: not installed, or its own failure line (driver not loaded)', async () => {
    expect(await readNvidiaGpus(replay({}))).toEqual({
      available: false,
      reason: 'nvidia-smi not installed',
    });
    const failing = replay({
      'nvidia-smi --query-gpu': printed(
        "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n\n",
        9,
      ),
    });
    expect(await readNvidiaGpus(failing)).toEqual({
      available: false,
      reason: expect.stringContaining("couldn't communicate with the NVIDIA driver"),
    });
  });
});
