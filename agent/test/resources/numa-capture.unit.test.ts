import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createResourceMonitor,
  type ResourceDetail,
  type ResourceSummary,
  startResourceReporters,
} from '../../src/resources/index.js';
import { reporterHarness } from './helpers/reporter-harness.js';
import { copyTree, HOSTINFO_FIXTURES, procStat, removeTrees, replay, writeFiles } from './helpers/trees.js';

afterAll(removeTrees);

/** The real capture of a 2-socket, 2-NUMA-node qemu machine (hostinfo/test/fixtures/README.md). */
const CAPTURE = join(HOSTINFO_FIXTURES, 'qemu-2node/numa-2node');
const KB = 1024;

/** Every `{ available: false }` in `v` has a reason, and none carries figures. */
function absentsHaveReasons(v: unknown, path = '$'): string[] {
  if (v === null || typeof v !== 'object') return [];
  const o = v as Record<string, unknown>;
  const bad: string[] = [];
  if (o.available === false) {
    if (typeof o.reason !== 'string' || o.reason.length < 10) bad.push(`${path}: no reason`);
    if (Object.keys(o).some((k) => k !== 'available' && k !== 'reason'))
      bad.push(`${path}: figures beside absent`);
  }
  for (const [k, x] of Object.entries(o)) bad.push(...absentsHaveReasons(x, `${path}.${k}`));
  return bad;
}

describe('resources from a recorded 2-node NUMA machine', () => {
  it('NUMA nodes, their CPUs, memory reconciled with /proc/meminfo, distances, per-core and per-node load', async () => {
    const root = copyTree(CAPTURE);
    const monitor = createResourceMonitor({ root, run: replay({}) });
    // Two more /proc/stat readings, hand-made from the captured one (its user/system/idle ticks):
    // known busy shares per CPU, the same in both intervals.
    const base: Array<[number, number, number]> = [
      [9, 310, 368],
      [5, 176, 534],
      [8, 193, 534],
      [4, 172, 526],
    ];
    const step: Array<[number, number]> = [
      [90, 10],
      [10, 90],
      [50, 50],
      [0, 100],
    ];
    for (let i = 0; i < 3; i++) {
      writeFiles(root, {
        'proc/stat': procStat(
          base.map(([u, s, idle], c) => [u + i * step[c]![0], s, idle + i * step[c]![1]]),
        ),
      });
      monitor.second();
    }
    const { summary } = await monitor.report();
    expect(summary.numa).toEqual({
      available: true,
      nodes: [
        { node: 0, cpus: 2, busy: 0.5, memTotalBytes: 514388 * KB, memUsedBytes: 23468 * KB },
        { node: 1, cpus: 2, busy: 0.25, memTotalBytes: expect.any(Number), memUsedBytes: expect.any(Number) },
      ],
    });
    expect(summary.cpu).toEqual({ available: true, busy: 0.375, max: 0.375, cores: 4 });

    const detail = (await monitor.detail(['numa'])) as Required<Pick<ResourceDetail, 'numa'>>;
    const topo = detail.numa.topology;
    if (!topo.available) throw new Error(topo.reason);
    expect(topo.distances).toEqual([
      [10, 21],
      [21, 10],
    ]);
    expect(topo.nodes.map((n) => n.cpus)).toEqual([
      [0, 1],
      [2, 3],
    ]);
    // The kernel's two totals, both as read, and their difference named (never scaled away).
    const m = topo.memory!;
    expect(m.systemTotalBytes).toBe(984360 * KB);
    expect(m.nodesTotalBytes).toBe(topo.nodes.reduce((a, n) => a + n.memory!.totalBytes, 0));
    expect(m.unattributedBytes).toBe(m.systemTotalBytes - m.nodesTotalBytes);
    const cpu = detail.numa.cpu;
    if (!cpu.available) throw new Error(cpu.reason);
    expect(cpu.cores).toEqual([
      { cpu: 0, node: 0, busy: 0.9, max: 0.9 },
      { cpu: 1, node: 0, busy: 0.1, max: 0.1 },
      { cpu: 2, node: 1, busy: 0.5, max: 0.5 },
      { cpu: 3, node: 1, busy: 0, max: 0 },
    ]);
    expect(topo.nodes[0]).toMatchObject({ busy: 0.5, busyMax: 0.9 });
  });

  it('what this machine lacks is absent with why, never zero, in the summary and the detail', async () => {
    const root = copyTree(CAPTURE);
    const monitor = createResourceMonitor({ root, run: replay({}) });
    monitor.second();
    await monitor.slow();
    const { summary, interfaces } = await monitor.report();
    const s = summary as ResourceSummary;
    expect(s.thermal.sensors).toEqual({
      available: false,
      reason: expect.stringContaining('no thermal sensors exposed'),
    });
    expect(s.thermal.throttle).toEqual({
      available: false,
      reason: expect.stringContaining('thermal_throttle'),
    });
    expect(s.thermal.frequency).toEqual({ available: false, reason: expect.stringContaining('cpufreq') });
    expect(s.thermal.gpus).toEqual({ available: false, reason: 'nvidia-smi not installed' });
    expect(s.storage.disks).toEqual({ available: false, reason: expect.stringMatching(/diskstats: ENOENT/) });
    expect(s.storage.filesystems).toEqual({ available: false, reason: expect.stringContaining('statfs') });
    expect(s.health.md).toEqual({ available: false, reason: expect.stringContaining('/proc/mdstat') });
    expect(s.health.btrfs).toEqual({ available: false, reason: expect.stringContaining('btrfs') });
    expect(s.health.zfs).toMatchObject({ available: false, reason: 'zpool not installed' });
    expect(s.health.smart).toMatchObject({ available: false, reason: 'smartctl not installed' });
    expect(absentsHaveReasons(s)).toEqual([]);
    expect(absentsHaveReasons(await monitor.detail([]))).toEqual([]);
    expect(interfaces.interfaces).toEqual([]);
  });

  it('the reporters send both reports, answer resources.detail, and refuse a bad one with a coded error', async () => {
    const root = copyTree(CAPTURE);
    const h = reporterHarness();
    const r = startResourceReporters(h.host, { root, run: replay({}), reportEveryMs: 3_600_000 });
    try {
      await r.reportNow();
      expect(h.sent.map((s) => s.topic)).toEqual(['resources.summary', 'net.interfaces']);
      expect(h.last<ResourceSummary>('resources.summary')).toMatchObject({ v: 1, numa: { available: true } });
      const d = (await h.call('resources.detail', { sections: ['numa', 'health'] })) as ResourceDetail;
      expect(Object.keys(d).sort()).toEqual(['at', 'health', 'numa', 'v']);
      await expect(h.call('resources.detail', { sections: ['gpu'] })).rejects.toMatchObject({
        code: 'OMEGA_ERR_VALIDATION',
      });
      await expect(h.call('resources.detail', 'all')).rejects.toMatchObject({ code: 'OMEGA_ERR_VALIDATION' });
      // Not connected: nothing is sent (each summary replaces the last; queueing them is pointless).
      h.host.online = false;
      await r.reportNow();
      expect(h.sent).toHaveLength(2);
    } finally {
      r.stop();
    }
    expect(h.ops.has('resources.detail')).toBe(false);
  });
});
