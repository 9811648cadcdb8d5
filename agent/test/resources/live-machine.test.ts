import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { readThermal } from '@omega/hostinfo';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ensureCommand,
  isRoot,
  loopDevice,
  removeAll,
  run,
} from '../../../hostinfo/test/helpers/host-tools.js';
import { createResourceMonitor, type ResourceDetail } from '../../src/resources/index.js';

const dirs: string[] = [];
afterAll(() => removeAll(dirs));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Overwrites every 4 KiB block of `image` that starts with `pattern`; answers how many. */
function corrupt(image: string, pattern: Buffer): number {
  const data = readFileSync(image);
  let n = 0;
  for (let i = data.indexOf(pattern); i !== -1; i = data.indexOf(pattern, i + 4096)) {
    data.fill(0xde, i, i + 4096);
    n++;
  }
  writeFileSync(image, data);
  return n;
}

describe('live on this machine', () => {
  it('what it has is measured, what it lacks is absent with why (compared with the readers themselves)', async () => {
    const monitor = createResourceMonitor({ usage: { sampleEveryMs: 0 } });
    monitor.second();
    await sleep(1_100);
    monitor.second();
    await monitor.slow();
    const { summary, interfaces } = await monitor.report();
    const cores = readFileSync('/proc/stat', 'utf8')
      .split('\n')
      .filter((l) => /^cpu\d+ /.test(l)).length;
    expect(summary.cpu).toMatchObject({ available: true, cores });
    const thermal = await readThermal();
    expect(summary.thermal.sensors.available).toBe(thermal.available);
    if (!summary.thermal.sensors.available)
      expect(summary.thermal.sensors.reason).toMatch(/no thermal sensors exposed/);
    expect(summary.numa.available).toBe(existsSync('/sys/devices/system/node/node0'));
    const disks = readFileSync('/proc/diskstats', 'utf8')
      .split('\n')
      .map((l) => l.trim().split(/\s+/)[2])
      .filter((n): n is string => !!n && /^(vd[a-z]+|sd[a-z]+|nvme\d+n\d+|xvd[a-z]+)$/.test(n));
    if (!summary.storage.disks.available) throw new Error(summary.storage.disks.reason);
    expect(summary.storage.disks.list.map((d) => d.name).sort()).toEqual([...new Set(disks)].sort());
    if (!summary.storage.filesystems.available) throw new Error(summary.storage.filesystems.reason);
    expect(summary.storage.filesystems.list.some((f) => f.mount === '/')).toBe(true);
    expect(summary.health.md.available).toBe(existsSync('/proc/mdstat'));
    const nics = Object.keys(os.networkInterfaces()).filter((n) => n !== 'lo');
    expect(interfaces.interfaces.map((i) => i.name).sort()).toEqual(expect.arrayContaining(nics.sort()));
    expect(interfaces.interfaces.some((i) => i.kind === 'loopback')).toBe(false);
  });

  it('a real btrfs RAID 1 on two loop devices: filling shows "full in N days" with its interval; a corrupted mirror after scrub shows its errors', async (ctx) => {
    if (!isRoot()) ctx.skip('needs root for loop devices and mount');
    if (!readFileSync('/proc/filesystems', 'utf8').includes('btrfs')) ctx.skip('this kernel has no btrfs');
    const missing = ensureCommand('mkfs.btrfs', 'btrfs-progs');
    if (missing) ctx.skip(missing);
    const work = await mkdtemp(join(os.tmpdir(), 'omega-res-btrfs-'));
    dirs.push(work);
    const a = await loopDevice(work, 'a.img', 256);
    const b = await loopDevice(work, 'b.img', 256);
    const mnt = join(work, 'mnt');
    await mkdir(mnt);
    const label = `omega-res-${process.pid}`;
    const history = join(work, 'fs-usage.json');
    try {
      run('mkfs.btrfs', ['-q', '-f', '-L', label, '-d', 'raid1', '-m', 'raid1', a.dev, b.dev]);
      run('mount', [a.dev, mnt]);
      const monitor = createResourceMonitor({ usage: { sampleEveryMs: 0, file: history } });
      const fsOf = async () => {
        const { summary } = await monitor.report();
        if (!summary.storage.filesystems.available) throw new Error(summary.storage.filesystems.reason);
        return summary.storage.filesystems.list.find((f) => f.mount === mnt);
      };
      // Fill it at a steady rate: one sample per slow round, usage read by statfs after a sync.
      const pattern = Buffer.from('OMEGA-RESOURCES-PATTERN-'.repeat(200));
      const chunk = Buffer.concat(Array.from({ length: 1280 }, () => pattern.subarray(0, 4096)));
      for (let i = 0; i < 6; i++) {
        writeFileSync(join(mnt, `data-${i}.bin`), chunk);
        run('sync', []);
        await monitor.slow();
        await sleep(250);
      }
      const fs = await fsOf();
      expect(fs).toMatchObject({ fstype: 'btrfs', full: { status: 'filling' } });
      expect(fs!.inodesUsedRatio).toBeUndefined();
      const full = fs!.full;
      expect(full.days).toBeGreaterThan(0);
      expect(full.daysLow!).toBeLessThanOrEqual(full.days!);
      expect(full.daysHigh!).toBeGreaterThanOrEqual(full.days!);
      // ~5 MiB per ~0.3 s into ~200 MiB left: minutes, not days.
      expect(full.days! * 86_400).toBeLessThan(3_600);
      const detail = (await monitor.detail(['storage'])).storage as NonNullable<ResourceDetail['storage']>;
      if (!detail.filesystems.available) throw new Error(detail.filesystems.reason);
      expect(detail.filesystems.list.find((f) => f.mount === mnt)?.inodes).toEqual({
        available: false,
        reason: expect.stringContaining('no inode count'),
      });
      // The history survives a restart of the reporters (the file), so the trend is there at once.
      expect(existsSync(history)).toBe(true);
      const again = createResourceMonitor({ usage: { sampleEveryMs: 3_600_000, file: history } });
      await again.slow();
      const { summary: s2 } = await again.report();
      if (!s2.storage.filesystems.available) throw new Error(s2.storage.filesystems.reason);
      expect(s2.storage.filesystems.list.find((f) => f.mount === mnt)?.full.status).toBe('filling');

      // No device-mapper here: the fault is bad bytes written into one mirror's backing file.
      const clean = (await monitor.report()).summary.health.btrfs;
      if (!clean.available) throw new Error(clean.reason);
      expect(clean.filesystems.find((f) => f.label === label)?.totalErrors).toBe(0);
      const digest = monitor.changeDigest();
      run('umount', [mnt]);
      expect(corrupt(b.file, pattern.subarray(0, 4096))).toBeGreaterThan(0);
      run('blockdev', ['--flushbufs', a.dev]);
      run('blockdev', ['--flushbufs', b.dev]);
      run('mount', [a.dev, mnt]);
      run('sh', ['-c', `btrfs scrub start -B ${mnt} >/dev/null 2>&1 || true`], 120_000);
      await monitor.slow();
      expect(monitor.changeDigest()).not.toBe(digest);
      const hurt = (await monitor.report()).summary.health.btrfs;
      if (!hurt.available) throw new Error(hurt.reason);
      expect(hurt.filesystems.find((f) => f.label === label)?.totalErrors).toBeGreaterThan(0);
    } finally {
      if (existsSync(mnt)) run('sh', ['-c', `umount ${mnt} 2>/dev/null || true`]);
      a.detach();
      b.detach();
    }
  }, 180_000);
});
