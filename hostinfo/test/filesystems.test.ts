import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFilesystemReader, estimateFull, statFilesystem, t95, type UsageSample } from '../src/index.js';
import { isRoot, removeAll, run } from './helpers/host-tools.js';

const dirs: string[] = [];
afterAll(() => removeAll(dirs));

/** What coreutils' `stat -f` (statfs(2) too) says: block size, blocks, free, avail, inodes, free inodes. */
function statF(path: string) {
  const [bsize, blocks, free, avail, files, ffree] = run('stat', ['-f', '-c', '%S %b %f %a %c %d', path])
    .trim()
    .split(' ')
    .map(Number);
  return { bsize: bsize!, blocks: blocks!, free: free!, avail: avail!, files: files!, ffree: ffree! };
}

describe('createFilesystemReader (one timer bounds the whole pass)', () => {
  it('answers each mount that statfs answers, as `stat -f` sees it, and leaves out the ones that fail', async () => {
    const read = createFilesystemReader(5_000);
    const m = (mount: string) => ({ mount, device: 'dev', fstype: 'ext4', readOnly: false });
    const gone = join(os.tmpdir(), `omega-no-such-mount-${process.pid}`);
    const out = await read([m('/'), m(gone), m(os.tmpdir())]);
    expect(out.map((f) => f.mount)).toEqual(['/', os.tmpdir()]);
    const ref = statF('/');
    expect(out[0]?.sizeBytes).toBe(ref.blocks * ref.bsize);
    expect(out[0]?.files).toBe(ref.files);
    expect(await read([])).toEqual([]);
    // A second pass over the same mounts answers them again (nothing was marked stuck).
    expect((await read([m('/')])).map((f) => f.mount)).toEqual(['/']);
  });
});

describe('statFilesystem', () => {
  it('agrees with `stat -f` on the temp directory', async () => {
    const s = await statFilesystem(os.tmpdir());
    const ref = statF(os.tmpdir());
    expect(s.sizeBytes).toBe(ref.blocks * ref.bsize);
    expect(s.availBytes).toBeLessThanOrEqual(s.freeBytes);
    if (ref.files > 0 && s.inodes.available) expect(s.inodes.total).toBe(ref.files);
  });

  it('live: a 4 MiB tmpfs with 200 inodes — size, used bytes and inodes follow what is written', async (ctx) => {
    if (!isRoot()) ctx.skip('needs root to mount a tmpfs');
    const mnt = await mkdtemp(join(os.tmpdir(), 'omega-fs-'));
    dirs.push(mnt);
    run('mount', ['-t', 'tmpfs', '-o', 'size=4m,nr_inodes=200', 'omega-test', mnt]);
    try {
      const before = await statFilesystem(mnt);
      expect(before.sizeBytes).toBe(4 * 1024 * 1024);
      if (!before.inodes.available) throw new Error(before.inodes.reason);
      expect(before.inodes.total).toBe(200);
      await mkdir(join(mnt, 'd'));
      for (let i = 0; i < 20; i++) await writeFile(join(mnt, 'd', `f${i}`), 'x');
      await writeFile(join(mnt, 'big'), Buffer.alloc(1024 * 1024, 1));
      const after = await statFilesystem(mnt);
      if (!after.inodes.available) throw new Error(after.inodes.reason);
      expect(after.inodes.used - before.inodes.used).toBe(22);
      expect(after.usedBytes - before.usedBytes).toBeGreaterThanOrEqual(1024 * 1024);
      const ref = statF(mnt);
      expect(after.freeBytes).toBe(ref.free * ref.bsize);
      expect(after.inodes.free).toBe(ref.ffree);
    } finally {
      run('umount', [mnt]);
    }
  });
});

const DAY = 86_400_000;
const series = (days: number, f: (d: number) => number): UsageSample[] =>
  Array.from({ length: days }, (_, d) => ({ at: 1_700_000_000_000 + d * DAY, usedBytes: f(d) }));

describe('estimateFull', () => {
  it('an exact linear trend gives the exact date and a collapsed interval', () => {
    const e = estimateFull(
      series(10, (d) => 1e9 + 1e8 * d),
      2e9,
    );
    expect(e.status).toBe('filling');
    if (e.status !== 'filling') return;
    expect(e.bytesPerDay).toBeCloseTo(1e8, 3);
    expect(e.days).toBeCloseTo(1, 9); // 1.9e9 used at the last sample, 1e8 a day to go
    expect(e.daysLow).toBeCloseTo(1, 9);
    expect(e.daysHigh).toBeCloseTo(1, 9);
  });

  it('noise widens the interval around the estimate; the true rate stays inside the slope interval', () => {
    // Deterministic noise of ±5e7 bytes around 1e8 bytes a day.
    const noise = [3, -5, 1, 4, -2, -4, 5, 0, -1, 2, -3, 4, -5, 1];
    const e = estimateFull(
      series(14, (d) => 1e9 + 1e8 * d + noise[d]! * 1e7),
      1e10,
    );
    if (e.status !== 'filling') throw new Error(e.status);
    expect(e.daysLow).toBeLessThan(e.days);
    expect(e.days).toBeLessThan(e.daysHigh);
    const remaining = 1e10 - (1e9 + 1e8 * 13);
    // The true date (remaining / true rate) lies within the interval.
    expect(remaining / 1e8).toBeGreaterThan(e.daysLow * 0.95);
    expect(remaining / 1e8).toBeLessThan(e.daysHigh * 1.05);
  });

  it('flat, shrinking, or flat within the noise: not filling, with why', () => {
    expect(
      estimateFull(
        series(5, () => 5e9),
        1e10,
      ),
    ).toMatchObject({ status: 'not-filling' });
    expect(
      estimateFull(
        series(5, (d) => 5e9 - d * 1e6),
        1e10,
      ),
    ).toMatchObject({
      status: 'not-filling',
      reason: 'usage is flat or shrinking',
    });
    const wobble = [0, 9, -8, 7, -9, 8, 1];
    expect(
      estimateFull(
        series(7, (d) => 5e9 + wobble[d]! * 1e7 + d * 1e5),
        1e10,
      ),
    ).toMatchObject({
      status: 'not-filling',
      reason: expect.stringContaining('confidence interval'),
    });
  });

  it('too little history: unknown, with why', () => {
    expect(
      estimateFull(
        series(2, (d) => d),
        10,
      ),
    ).toMatchObject({ status: 'unknown', samples: 2 });
    const sameTime = [1, 2, 3].map((u) => ({ at: 5, usedBytes: u }));
    expect(estimateFull(sameTime, 10)).toMatchObject({
      status: 'unknown',
      reason: 'all samples have the same time',
    });
  });

  it('t95 matches the standard table and tends to 1.96', () => {
    expect(t95(1)).toBe(12.706);
    expect(t95(10)).toBe(2.228);
    expect(t95(30)).toBe(2.042);
    expect(t95(60)).toBeCloseTo(2.0, 6);
    expect(t95(1e9)).toBeCloseTo(1.96, 3);
    expect(t95(0)).toBeNaN();
  });
});
