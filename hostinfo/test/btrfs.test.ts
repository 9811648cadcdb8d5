import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBtrfsDeviceStats, parseBtrfsErrorStats, readBtrfs, statFilesystem } from '../src/index.js';
import { ensureCommand, isRoot, loopDevice, removeAll, run, writeTree } from './helpers/host-tools.js';

const dirs: string[] = [];
afterAll(() => removeAll(dirs));

/** Overwrites every 4 KiB block of `image` that starts with `pattern`; returns how many. */
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

describe('btrfs error counters', () => {
  it('absent with the reason when the kernel has no btrfs, or none is mounted', async () => {
    const none = await writeTree({ 'sys/kernel/.keep': '' });
    const empty = await writeTree({ 'sys/fs/btrfs/features/.keep': '' });
    dirs.push(none, empty);
    expect(await readBtrfs({ root: none })).toEqual({
      available: false,
      reason: expect.stringContaining('no btrfs support'),
    });
    expect(await readBtrfs({ root: empty })).toEqual({
      available: false,
      reason: 'no btrfs filesystem is mounted',
    });
  });

  it('parses the sysfs file and both forms of `btrfs device stats` alike', () => {
    const sysfs = parseBtrfsErrorStats(
      2,
      'write_errs 1\nread_errs 2\nflush_errs 3\ncorruption_errs 4\ngeneration_errs 5\n',
    );
    const text = parseBtrfsDeviceStats(
      '[/dev/sdb].write_io_errs    1\n[/dev/sdb].read_io_errs     2\n[/dev/sdb].flush_io_errs    3\n[/dev/sdb].corruption_errs  4\n[/dev/sdb].generation_errs  5\n',
    );
    expect(text).toEqual([{ ...sysfs, devid: 1, device: '/dev/sdb' }]);
  });

  it('live: a real btrfs RAID 1 on two loop devices, one mirror corrupted under it, scrub → its counter rises', async (ctx) => {
    if (!isRoot()) ctx.skip('needs root for loop devices and mount');
    if (!readFileSync('/proc/filesystems', 'utf8').includes('btrfs')) ctx.skip('this kernel has no btrfs');
    const missing = ensureCommand('mkfs.btrfs', 'btrfs-progs');
    if (missing) ctx.skip(missing);
    // No device-mapper on this kernel (no dm-flakey / dm-error): the injected fault is bad bytes
    // written straight into one mirror's backing file, which btrfs finds by checksum.
    const work = await mkdtemp(join(os.tmpdir(), 'omega-btrfs-'));
    dirs.push(work);
    const a = await loopDevice(work, 'a.img', 256);
    const b = await loopDevice(work, 'b.img', 256);
    const mnt = join(work, 'mnt');
    await mkdir(mnt);
    const label = `omega-${process.pid}`;
    const mine = async () => {
      const h = await readBtrfs();
      if (!h.available) throw new Error(h.reason);
      return h.filesystems.find((f) => f.label === label)!;
    };
    try {
      run('mkfs.btrfs', ['-q', '-f', '-L', label, '-d', 'raid1', '-m', 'raid1', a.dev, b.dev]);
      run('mount', [a.dev, mnt]);
      const clean = await mine();
      expect(clean.devices.map((d) => d.devid)).toEqual([1, 2]);
      expect(clean.totalErrors).toBe(0);
      const pattern = Buffer.from('OMEGA-HOSTINFO-PATTERN-'.repeat(200));
      await writeFile(join(mnt, 'data.bin'), Buffer.concat(Array.from({ length: 64 }, () => pattern)));
      run('sync', []);
      run('umount', [mnt]);
      expect(corrupt(b.file, pattern.subarray(0, 4096))).toBeGreaterThan(0);
      run('blockdev', ['--flushbufs', a.dev]);
      run('blockdev', ['--flushbufs', b.dev]);
      run('mount', [a.dev, mnt]);
      run('sh', ['-c', `btrfs scrub start -B ${mnt} >/dev/null 2>&1 || true`], 120_000);
      const hurt = await mine();
      const [d1, d2] = hurt.devices;
      expect(d1!.corruptionErrors).toBe(0);
      expect(d2!.corruptionErrors).toBeGreaterThan(0);
      expect(hurt.totalErrors).toBe(d2!.corruptionErrors + d2!.readErrors);
      // The tool says the same per devid, in JSON and in text.
      const json = parseBtrfsDeviceStats(run('btrfs', ['--format', 'json', 'device', 'stats', mnt]));
      const text = parseBtrfsDeviceStats(run('sh', ['-c', `btrfs device stats ${mnt} || true`]));
      expect(json.map((d) => [d.devid, d.corruptionErrors])).toEqual(
        hurt.devices.map((d) => [d.devid, d.corruptionErrors]),
      );
      expect(text.map((d) => d.corruptionErrors)).toEqual(hurt.devices.map((d) => d.corruptionErrors));
      expect(json[1]!.device).toBe(b.dev);
      // btrfs has no fixed inode table: statfs says 0 files, reported as absent, not as 0 free.
      expect((await statFilesystem(mnt)).inodes.available).toBe(false);
    } finally {
      if (existsSync(mnt)) run('sh', ['-c', `umount ${mnt} 2>/dev/null || true`]);
      a.detach();
      b.detach();
    }
  });
  it('live: a dm "error" target under one mirror, then scrub → its read error counter rises', async (ctx) => {
    if (!isRoot()) ctx.skip('needs root for loop devices, device-mapper and mount');
    if (!existsSync('/sys/class/misc/device-mapper')) {
      ctx.skip(
        'this kernel has no device-mapper (no dm-error target): the corruption test above injects the fault instead',
      );
    }
    if (!readFileSync('/proc/filesystems', 'utf8').includes('btrfs')) ctx.skip('this kernel has no btrfs');
    const missing = ensureCommand('mkfs.btrfs', 'btrfs-progs') ?? ensureCommand('dmsetup', 'dmsetup');
    if (missing) ctx.skip(missing);
    const work = await mkdtemp(join(os.tmpdir(), 'omega-btrfs-dm-'));
    dirs.push(work);
    const a = await loopDevice(work, 'a.img', 256);
    const b = await loopDevice(work, 'b.img', 256);
    const dm = `omega-flaky-${process.pid}`;
    const sectors = run('blockdev', ['--getsz', b.dev]).trim();
    const mnt = join(work, 'mnt');
    await mkdir(mnt);
    const label = `omega-dm-${process.pid}`;
    try {
      run('dmsetup', ['create', dm, '--table', `0 ${sectors} linear ${b.dev} 0`]);
      run('mkfs.btrfs', ['-q', '-f', '-L', label, '-d', 'raid1', '-m', 'raid1', a.dev, `/dev/mapper/${dm}`]);
      run('mount', [a.dev, mnt]);
      await writeFile(join(mnt, 'data.bin'), Buffer.alloc(16 * 1024 * 1024, 5));
      run('sync', []);
      run('dmsetup', ['suspend', dm]);
      run('dmsetup', ['reload', dm, '--table', `0 ${sectors} error`]);
      run('dmsetup', ['resume', dm]);
      run('sh', ['-c', `btrfs scrub start -B ${mnt} >/dev/null 2>&1 || true`], 120_000);
      const h = await readBtrfs();
      if (!h.available) throw new Error(h.reason);
      const fs = h.filesystems.find((f) => f.label === label)!;
      const [d1, d2] = fs.devices;
      expect(d1!.readErrors + d1!.writeErrors).toBe(0);
      expect(d2!.readErrors + d2!.writeErrors + d2!.flushErrors).toBeGreaterThan(0);
    } finally {
      run('sh', ['-c', `umount ${mnt} 2>/dev/null; dmsetup remove ${dm} 2>/dev/null || true`]);
      a.detach();
      b.detach();
    }
  });
});
