import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listProcStatuses, parseProcStatus, readProcFile, runs } from '../../src/exec/proc/proc-stat.js';

/** A /proc/<pid>/status as the kernel writes it (fields the parser does not use cut out). */
const status = (over: { name?: string; state?: string; uid?: string; threads?: string; rss?: string } = {}) =>
  [
    `Name:\t${over.name ?? 'job'}`,
    'Umask:\t0022',
    `State:\t${over.state ?? 'S (sleeping)'}`,
    'Tgid:\t4321',
    'Pid:\t4321',
    'PPid:\t77',
    'TracerPid:\t0',
    `Uid:\t${over.uid ?? '2000001\t2000002\t2000003\t2000004'}`,
    'Gid:\t2000001\t2000001\t2000001\t2000001',
    'Groups:\t ',
    ...(over.rss === undefined ? ['VmRSS:\t    5120 kB'] : over.rss ? [over.rss] : []),
    `Threads:\t${over.threads ?? '1'}`,
    'SigQ:\t0/96367',
    '',
  ].join('\n');

describe('/proc/<pid>/status', () => {
  it('gives a process’s parent, state, threads, real and effective uid and resident memory', () => {
    expect(parseProcStatus(4321, status())).toEqual({
      pid: 4321,
      ppid: 77,
      state: 'S',
      threads: 1,
      realUid: 2000001,
      effectiveUid: 2000002,
      rssBytes: 5120 * 1024,
    });
  });

  it('keeps a zombie leader whose other threads run on alive, and a plain zombie not', () => {
    expect(runs(parseProcStatus(1, status({ state: 'Z (zombie)', threads: '2' }))!)).toBe(true);
    expect(runs(parseProcStatus(1, status({ state: 'Z (zombie)', threads: '1' }))!)).toBe(false);
    expect(parseProcStatus(1, status({ state: 'Z (zombie)', rss: '' }))?.rssBytes).toBe(0); // no VmRSS line
  });

  it('reads fields at a line’s start only: a command name cannot fake one (the kernel escapes its newline)', () => {
    const s = parseProcStatus(1, status({ name: 'x\\nUid:\t7\t7\t7\t7', uid: '0\t0\t0\t0' }));
    expect([s?.realUid, s?.effectiveUid]).toEqual([0, 0]);
  });

  it('reads no field out of the command name, whatever separator it holds (\\r, U+2028, U+2029)', () => {
    for (const sep of ['\r', '\u2028', '\u2029']) {
      const s = parseProcStatus(
        1,
        status({
          name: `x${sep}State:\tZ${sep}PPid:\t1${sep}Uid:\t7\t7\t7\t7${sep}Threads:\t9`,
          uid: '0\t0\t0\t0',
        }),
      );
      expect(s).toMatchObject({ state: 'S', ppid: 77, realUid: 0, effectiveUid: 0, threads: 1 });
    }
  });

  it('is refused when a field is missing (a cut-off read must not pass for a one-thread process)', () => {
    const text = status({ state: 'Z (zombie)', threads: '3' });
    expect(parseProcStatus(1, text.slice(0, text.indexOf('Threads:')))).toBeNull();
    expect(parseProcStatus(1, '')).toBeNull();
  });

  it('agrees with /proc/<pid>/stat and the process’s own view for this process', async () => {
    const s = parseProcStatus(process.pid, (await readProcFile('/proc/self/status'))!);
    expect(s).toMatchObject({
      ppid: process.ppid,
      realUid: process.getuid!(),
      effectiveUid: process.geteuid!(),
    });
    expect(s?.threads).toBeGreaterThanOrEqual(1); // not compared with stat's: threads of the pool come and go between reads
    expect(s?.rssBytes).toBeGreaterThan(0);
    expect((await listProcStatuses()).some((p) => p.pid === process.pid && runs(p))).toBe(true);
  });
});

describe('reading a /proc file', () => {
  let dir = '';
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads a file whole at any size around its 4 KiB reads, gives null for one that is gone, throws on other errors', async () => {
    dir = await mkdtemp(join(tmpdir(), 'omega-procfile-'));
    for (const size of [0, 4095, 4096, 8192, 10_000]) {
      const text = 'ab\n'.repeat(Math.ceil(size / 3)).slice(0, size);
      await writeFile(join(dir, 'f'), text);
      expect(await readProcFile(join(dir, 'f'))).toBe(text);
    }
    expect(await readProcFile(join(dir, 'gone'))).toBeNull();
    expect(await readProcFile('/proc/0/status')).toBeNull();
    // any other error is not "gone": taken for it, a pass would report a live session empty
    await expect(readProcFile(dir)).rejects.toMatchObject({ code: 'EISDIR' });
  });
});
