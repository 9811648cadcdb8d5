import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diskRates, parseDiskCounters, type RunCommand } from '@omega/hostinfo';
import { afterAll, describe, expect, it } from 'vitest';
import { createResourceMonitor, type ResourceDetail } from '../../src/resources/index.js';
import { copyTree, HOSTINFO_FIXTURES, printed, removeTrees, tree, writeFiles } from './helpers/trees.js';

afterAll(removeTrees);

const fixture = (rel: string) => readFileSync(join(HOSTINFO_FIXTURES, rel), 'utf8');

/**
 * Recorded tool output (hostinfo's fixtures; zpool and smartctl hand-written there, as no pool
 * and no SMART disk exist here): a degraded, resilvering pool and an ATA disk failing SMART.
 */
const tools: RunCommand = async (file, args) => {
  if (file === 'zpool' && args[0] === 'list') return printed(fixture('hand-written/zpool-list.txt'));
  if (file === 'zpool' && args[0] === 'status') return printed(fixture('hand-written/zpool-status.txt'));
  if (file === 'smartctl' && args.includes('--scan'))
    return printed(fixture('hand-written/smartctl-scan.json.out'));
  if (file === 'smartctl') {
    const dev = args[args.length - 1];
    return printed(fixture(`hand-written/smartctl-${dev === '/dev/sda' ? 'ata' : 'nvme'}.json.out`), 8);
  }
  return { ok: false, missing: true, reason: `${file} not installed` };
};

/** /proc/diskstats with one disk (18 fields, Linux 4.18+), counters as given. */
const diskstats = (c: {
  r: number;
  rs: number;
  rt: number;
  w: number;
  ws: number;
  wt: number;
  io: number;
  q: number;
}) =>
  `   8       0 sda ${c.r} 0 ${c.rs} ${c.rt} ${c.w} 0 ${c.ws} ${c.wt} 0 ${c.io} ${c.q} 0 0 0 0\n   8       1 sda1 1 0 1 1 1 0 1 1 0 1 1 0 0 0 0\n`;

describe('storage and health from recorded trees and tool output', () => {
  it('md RAID 1 through its real stages: resyncing, healthy, degraded with the failed member, recovering with speed', async () => {
    const root = copyTree(join(HOSTINFO_FIXTURES, 'qemu-2node/numa-2node'));
    const monitor = createResourceMonitor({ root, run: tools });
    const md = async (stage: string) => {
      writeFiles(root, { 'proc/mdstat': fixture(`qemu-2node/mdstat/${stage}.txt`) });
      await monitor.slow();
      return (await monitor.report()).summary.health.md;
    };
    expect(await md('1-resync')).toEqual({
      available: true,
      arrays: [
        {
          name: 'md0',
          level: 'raid1',
          health: 'resyncing',
          degraded: false,
          failed: [],
          sync: {
            action: 'resync',
            state: 'running',
            fraction: 0.062,
            speedBytesPerSecond: 2048 * 1024,
            etaSeconds: 24,
          },
        },
      ],
    });
    expect(await md('2-healthy')).toEqual({
      available: true,
      arrays: [{ name: 'md0', level: 'raid1', health: 'clean', degraded: false, failed: [] }],
    });
    expect(await md('3-degraded')).toEqual({
      available: true,
      arrays: [{ name: 'md0', level: 'raid1', health: 'degraded', degraded: true, failed: ['loop1'] }],
    });
    expect(await md('5-recovery')).toMatchObject({
      arrays: [
        {
          health: 'recovering',
          degraded: true,
          sync: { action: 'recovery', fraction: 0.118, speedBytesPerSecond: 2602 * 1024 },
        },
      ],
    });
    // A health change is what the reporters send at once: the digest follows it.
    const digest = monitor.changeDigest();
    await md('6-recovered');
    expect(monitor.changeDigest()).not.toBe(digest);
  });

  it('ZFS pools and SMART per device from the tools, read at their slow cadence', async () => {
    const monitor = createResourceMonitor({ root: tree({ 'proc/.keep': '' }), run: tools });
    await monitor.slow();
    const { summary } = await monitor.report();
    expect(summary.health.zfs).toEqual({
      available: true,
      pools: [
        { name: 'tank', health: 'DEGRADED' },
        { name: 'backup', health: 'ONLINE' },
      ],
    });
    expect(summary.health.smart).toEqual({
      available: true,
      devices: [
        { device: '/dev/sda', passed: false },
        { device: '/dev/nvme0', passed: true },
      ],
    });
    const d = (await monitor.detail(['health'])).health as NonNullable<ResourceDetail['health']>;
    if (!d.zfs.available) throw new Error(d.zfs.reason);
    expect(d.zfs.readAt).toEqual(expect.any(Number));
    expect(d.zfs.pools[0]!.vdevs.find((v) => v.name === 'sdb')).toMatchObject({
      state: 'UNAVAIL',
      readErrors: 3,
      writeErrors: 41,
    });
  });

  it('per disk over the interval: exactly what iostat -x computes between the first and last reading', async () => {
    const root = tree({ 'proc/.keep': '' });
    let clock = 0;
    const monitor = createResourceMonitor({ root, run: tools, monotonicNow: () => clock });
    const readings = [
      { r: 1000, rs: 8000, rt: 500, w: 2000, ws: 64000, wt: 4000, io: 3000, q: 5000 },
      { r: 1100, rs: 8800, rt: 600, w: 2500, ws: 80000, wt: 9000, io: 3600, q: 11000 },
      { r: 1400, rs: 11200, rt: 1500, w: 2600, ws: 83200, wt: 9100, io: 5400, q: 13000 },
    ];
    for (const [i, c] of readings.entries()) {
      clock = [0, 1000, 3000][i]!;
      writeFiles(root, { 'proc/diskstats': diskstats(c) });
      monitor.second();
    }
    const { summary } = await monitor.report();
    const d = (await monitor.detail(['storage'])).storage as NonNullable<ResourceDetail['storage']>;
    if (!d.disks.available) throw new Error(d.disks.reason);
    const [first, last] = [readings[0]!, readings[2]!].map((c) => parseDiskCounters(diskstats(c))[0]!);
    const iostat = diskRates(first!, last!, 3);
    const disk = d.disks.devices[0]!;
    expect(d.disks.devices.map((x) => x.name)).toEqual(['sda']);
    expect(disk.readsPerSecond).toBeCloseTo(iostat.readsPerSecond, 2);
    expect(disk.writesPerSecond).toBeCloseTo(iostat.writesPerSecond, 2);
    expect(disk.readBytesPerSecond).toBe(Math.round(iostat.readBytesPerSecond));
    expect(disk.readAwaitMs).toBeCloseTo(iostat.readAwaitMs, 2);
    expect(disk.writeAwaitMs).toBeCloseTo(iostat.writeAwaitMs, 2);
    expect(disk.queueSize).toBeCloseTo(iostat.queueSize, 2);
    expect(disk.utilization).toBeCloseTo(iostat.utilization, 4);
    // …and the worst second: 600 IOs in the first one, 3 ms reads and 90 % busy in the last two.
    expect(disk.peak).toEqual({ utilization: 0.9, iops: 600, readAwaitMs: 3, writeAwaitMs: 10 });
    expect(summary.storage.disks).toEqual({
      available: true,
      list: [
        {
          name: 'sda',
          utilization: disk.utilization,
          iops: Math.round((disk.readsPerSecond + disk.writesPerSecond) * 100) / 100,
          readBytesPerSecond: disk.readBytesPerSecond,
          writeBytesPerSecond: disk.writeBytesPerSecond,
          readAwaitMs: disk.readAwaitMs,
          writeAwaitMs: disk.writeAwaitMs,
        },
      ],
    });
  });
});
