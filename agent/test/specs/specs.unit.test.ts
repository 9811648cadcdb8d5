import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunCommand } from '@omega/hostinfo';
import { describe, expect, it } from 'vitest';
import { gpuLoad } from '../../src/heartbeat/load-summary.js';
import { createLoadSampler, readSpecs } from '../../src/index.js';
import { parseNvidiaGpus, readNvidiaGpus } from '../../src/specs/nvidia-gpus.js';
import { parseCpuinfo } from '../../src/specs/parse-cpuinfo.js';
import { parseOsRelease } from '../../src/specs/parse-os-release.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'hostinfo', 'test', 'fixtures');
/** nvidia-smi as if installed: answers a recorded query (as the hostinfo fixtures do for thermal). */
const fakeSmi =
  (stdout: string): RunCommand =>
  async () => ({ ok: true, stdout, stderr: '', exitCode: 0 });

describe('specs: what the agent tells the kernel about its machine', () => {
  it('parses CPU model and vendor on x86 and Arm, and the distribution', () => {
    expect(
      parseCpuinfo('processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R)  Xeon(R) Gold 6230\n'),
    ).toEqual({
      model: 'Intel(R) Xeon(R) Gold 6230',
      vendor: 'GenuineIntel',
    });
    expect(parseCpuinfo('processor\t: 0\nCPU implementer\t: 0x41\nModel\t: Raspberry Pi 4\n')).toEqual({
      model: 'Raspberry Pi 4',
      vendor: 'ARM',
    });
    expect(parseOsRelease('NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n')).toBe(
      'Debian GNU/Linux 12 (bookworm)',
    );
    expect(parseOsRelease('NAME=Alpine\nVERSION_ID=3.20.0\n')).toBe('Alpine 3.20.0');
  });

  it('reads GPUs from nvidia-smi (memory in bytes, utilisation as a share), absent with its reason', async () => {
    const csv =
      '0, GPU-aaa, NVIDIA A100-SXM4-40GB, 00000000:07:00.0, 40960, 1024, 37, 41\n1, [N/A], Tesla T4, [N/A], 15360, [N/A], [N/A], 30\n';
    const gpus = parseNvidiaGpus(csv);
    expect(gpus[0]).toEqual({
      index: 0,
      uuid: 'GPU-aaa',
      model: 'NVIDIA A100-SXM4-40GB',
      busId: '00000000:07:00.0',
      memoryTotalBytes: 40960 * 2 ** 20,
      memoryUsedBytes: 2 ** 30,
      utilization: 0.37,
      temperatureCelsius: 41,
    });
    expect(gpus[1]).toEqual({
      index: 1,
      model: 'Tesla T4',
      memoryTotalBytes: 15360 * 2 ** 20,
      temperatureCelsius: 30,
    });
    expect(gpuLoad(gpus)[1]).toEqual({ index: 1, memTotal: 15360 * 2 ** 20, temp: 30 });
    expect(await readNvidiaGpus(async () => ({ ok: false, missing: true, reason: 'x' }))).toEqual({
      absent: 'nvidia-smi not installed',
    });
    expect(
      await readNvidiaGpus(async () => ({
        ok: true,
        stdout: 'NVIDIA-SMI has failed\n',
        stderr: '',
        exitCode: 9,
      })),
    ).toEqual({ absent: 'nvidia-smi failed: NVIDIA-SMI has failed' });
  });

  it('describes this machine from /proc and /sys, absent sources named, never zeroed', async () => {
    const s = await readSpecs();
    const cpus = readFileSync('/proc/cpuinfo', 'utf8').match(/^processor\s*:/gm)!.length;
    expect(s.cpu.threads).toBe(cpus);
    expect(s.memory.totalBytes).toBeGreaterThan(0);
    expect(s.os.kernel).toBe(readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim());
    expect(s.interfaces.find((i) => i.name === 'lo')?.addresses.some((a) => a.address === '127.0.0.1')).toBe(
      true,
    );
    expect(s.capacity).toMatchObject({ threads: cpus, configured: false });
    if (s.gpus.length === 0) expect(s.absent.gpus).toBeTruthy();
  });

  it('reads a recorded 2-node NUMA machine, and configured capacity replaces the machine’s', async () => {
    const root = join(FIXTURES, 'qemu-2node', 'numa-2node');
    const s = await readSpecs({
      root,
      run: fakeSmi('0, GPU-1, NVIDIA H100, 0000:01:00.0, 81559, 0, 0, 35\n'),
      capacity: { cores: 3, memoryBytes: 2 ** 30 },
    });
    expect(s.numa.map((n) => n.node)).toEqual([0, 1]);
    expect(s.numa.every((n) => n.cpus.length > 0 && (n.memoryBytes ?? 0) > 0)).toBe(true);
    expect(s.gpus).toEqual([
      {
        index: 0,
        vendor: 'NVIDIA',
        model: 'NVIDIA H100',
        memoryBytes: 81559 * 2 ** 20,
        uuid: 'GPU-1',
        busId: '0000:01:00.0',
      },
    ]);
    expect(s.cpu.cores).toBe(3);
    expect(s.memory.totalBytes).toBe(2 ** 30);
    expect(s.capacity.configured).toBe(true);
    expect(s.capacity.detected?.threads).toBe(s.numa.flatMap((n) => n.cpus).length);
    expect(s.absent.filesystems).toMatch(/statfs/);
  });

  it('the heartbeat load summary: figures from /proc, rates after the first reading', () => {
    const sampler = createLoadSampler();
    const first = sampler.sample();
    expect(first.cpu).toBeUndefined();
    expect(first.memTotal).toBeGreaterThan(0);
    const second = sampler.sample();
    expect(second.cpu).toBeGreaterThanOrEqual(0);
    expect(second.cpu).toBeLessThanOrEqual(1);
    expect(second.load1).toBeGreaterThanOrEqual(0);
  });
});
