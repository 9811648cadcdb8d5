import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMdstat, readMdstat } from '../src/index.js';
import {
  ensureCommand,
  FIXTURES,
  isRoot,
  loopDevice,
  removeAll,
  run,
  writeTree,
} from './helpers/host-tools.js';

/** Real /proc/mdstat captures of an md RAID 1 on two loop devices (Debian 6.1 kernel under qemu; fixtures/README.md). */
const stage = (name: string) => readFileSync(join(FIXTURES, 'qemu-2node/mdstat', name), 'utf8');
const dirs: string[] = [];
afterAll(() => removeAll(dirs));

describe('parseMdstat on real captures of each stage', () => {
  it('resync right after create: running, with progress, speed and ETA', () => {
    const s = parseMdstat(stage('1-resync.txt'));
    expect(s.personalities).toEqual(['raid1']);
    const md = s.arrays[0]!;
    expect(md).toMatchObject({ name: 'md0', active: true, level: 'raid1', raidDisks: 2, workingDisks: 2 });
    expect(md.health).toBe('resyncing');
    expect(md.degraded).toBe(false);
    expect(md.sync).toEqual({
      action: 'resync',
      state: 'running',
      fraction: 0.062,
      doneBlocks: 4096,
      totalBlocks: 64512,
      etaSeconds: 24,
      speedBytesPerSecond: 2048 * 1024,
    });
  });

  it('healthy: clean, both members active, no sync', () => {
    const md = parseMdstat(stage('2-healthy.txt')).arrays[0]!;
    expect(md.health).toBe('clean');
    expect(md.slotStatus).toBe('UU');
    expect(md.blocks).toBe(64512);
    expect(md.members).toEqual([
      { device: 'loop1', slot: 1, role: 'active', writeMostly: false },
      { device: 'loop0', slot: 0, role: 'active', writeMostly: false },
    ]);
    expect(md.sync).toBeUndefined();
  });

  it('a member failed: degraded, the faulty member named', () => {
    const md = parseMdstat(stage('3-degraded.txt')).arrays[0]!;
    expect(md.health).toBe('degraded');
    expect(md.degraded).toBe(true);
    expect(md.failedMembers).toEqual(['loop1']);
    expect(md.slotStatus).toBe('U_');
  });

  it('member removed: still degraded, nothing faulty left', () => {
    const md = parseMdstat(stage('4-removed.txt')).arrays[0]!;
    expect(md.health).toBe('degraded');
    expect(md.failedMembers).toEqual([]);
    expect(md.members.map((m) => m.device)).toEqual(['loop0']);
  });

  it('re-added: recovery in progress with its figures', () => {
    const md = parseMdstat(stage('5-recovery.txt')).arrays[0]!;
    expect(md.health).toBe('recovering');
    expect(md.degraded).toBe(true);
    expect(md.sync).toMatchObject({
      action: 'recovery',
      state: 'running',
      doneBlocks: 7808,
      totalBlocks: 64512,
    });
    expect(md.sync!.fraction).toBeCloseTo(0.118, 6);
    expect(md.sync!.speedBytesPerSecond).toBe(2602 * 1024);
  });

  it('recovered, then stopped', () => {
    expect(parseMdstat(stage('6-recovered.txt')).arrays[0]!.health).toBe('clean');
    expect(parseMdstat(stage('7-stopped.txt')).arrays).toEqual([]);
  });
});

describe('parseMdstat on hand-written lines (md.c format: states this machine cannot produce)', () => {
  it('inactive arrays, read-only, spares, write-mostly, raid0 without [n/m], delayed resync', () => {
    const s = parseMdstat(`Personalities : [raid0] [raid1] [raid6] [raid5] [raid4]
md2 : inactive sdc[1](S) sdd[0](S)
      2093056 blocks super 1.2

md1 : active (auto-read-only) raid1 sdf[2](S) sde[1](W) sdb[0]
      1046528 blocks super 1.2 [2/2] [UU]
      	resync=PENDING

md0 : active raid0 sdg[1] sdh[0]
      2093056 blocks super 1.2 512k chunks

unused devices: <none>
`);
    const [md2, md1, md0] = s.arrays;
    expect(md2).toMatchObject({ active: false, health: 'inactive' });
    expect(md2!.members.every((m) => m.role === 'spare')).toBe(true);
    expect(md1).toMatchObject({ readOnly: 'auto-read-only', level: 'raid1' });
    expect(md1!.members.map((m) => [m.device, m.role, m.writeMostly])).toEqual([
      ['sdf', 'spare', false],
      ['sde', 'active', true],
      ['sdb', 'active', false],
    ]);
    expect(md1!.sync).toEqual({ action: 'resync', state: 'pending' });
    expect(md1!.health).toBe('clean');
    expect(md0).toMatchObject({ level: 'raid0', degraded: false, health: 'clean' });
    expect(md0!.raidDisks).toBeUndefined();
  });
});

describe('readMdstat', () => {
  it('absent with the reason when the kernel has no md driver (no /proc/mdstat)', async () => {
    const root = await writeTree({ 'proc/stat': 'cpu 1 2 3 4\n' });
    dirs.push(root);
    expect(await readMdstat({ root })).toEqual({
      available: false,
      reason: expect.stringContaining('no md'),
    });
  });

  it('live: RAID 1 on two loop devices — healthy, failed member (degraded), re-added (recovering)', async (ctx) => {
    if (!isRoot()) ctx.skip('needs root for loop devices and mdadm');
    if (!existsSync('/proc/mdstat')) {
      ctx.skip(
        'this kernel has no md driver (no /proc/mdstat; the real captures above come from a qemu guest)',
      );
    }
    const missing = ensureCommand('mdadm', 'mdadm');
    if (missing) ctx.skip(missing);
    const work = await mkdtemp(join(os.tmpdir(), 'omega-md-'));
    dirs.push(work);
    const a = await loopDevice(work, 'a.img', 64);
    const b = await loopDevice(work, 'b.img', 64);
    const md = `/dev/md/omega-test-${process.pid}`;
    try {
      run('mdadm', [
        '--create',
        md,
        '--run',
        '--level=1',
        '--raid-devices=2',
        '--metadata=1.2',
        a.dev,
        b.dev,
      ]);
      run('mdadm', ['--wait', md], 120_000);
      const name = (arr: { members: Array<{ device: string }> }) =>
        arr.members.some((m) => `/dev/${m.device}` === a.dev);
      const healthy = await readMdstat();
      if (!healthy.available) throw new Error(healthy.reason);
      expect(healthy.arrays.find(name)?.health).toBe('clean');
      run('mdadm', [md, '--fail', b.dev]);
      const degraded = await readMdstat();
      if (!degraded.available) throw new Error(degraded.reason);
      const d = degraded.arrays.find(name)!;
      expect(d.health).toBe('degraded');
      expect(d.failedMembers).toEqual([b.dev.replace('/dev/', '')]);
      run('mdadm', [md, '--remove', b.dev]);
      run('mdadm', ['--zero-superblock', b.dev]);
      run('sh', ['-c', 'echo 1000 > /proc/sys/dev/raid/speed_limit_max']);
      run('mdadm', [md, '--add', b.dev]);
      const recovering = await readMdstat();
      if (!recovering.available) throw new Error(recovering.reason);
      expect(['recovering', 'degraded']).toContain(recovering.arrays.find(name)?.health);
    } finally {
      run('sh', ['-c', 'echo 200000 > /proc/sys/dev/raid/speed_limit_max']);
      run('sh', ['-c', `mdadm --stop ${md} || true`]);
      a.detach();
      b.detach();
    }
  });
});
