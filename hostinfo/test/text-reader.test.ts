import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTextReader } from '../src/index.js';
import { removeAll } from './helpers/host-tools.js';

const dirs: string[] = [];
afterAll(() => removeAll(dirs));

/** Jiffies of the `cpu` line of /proc/stat (all states). */
const jiffies = (stat: string): number =>
  (stat.split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .slice(1)
    .reduce((a, x) => a + Number(x), 0);

describe('the default text reader (procfs files kept open)', () => {
  it('reads a procfs file afresh on every call, as a whole read of the path gives it', async () => {
    const read = createTextReader('/proc', '/sys');
    const first = await read('/proc/stat');
    const deadline = Date.now() + 60; // burn CPU: the counters must move
    while (Date.now() < deadline) Math.sqrt(Math.random());
    await new Promise((r) => setTimeout(r, 30));
    const second = await read('/proc/stat');
    expect(jiffies(second)).toBeGreaterThan(jiffies(first));
    const whole = readFileSync('/proc/stat', 'utf8');
    const heads = (t: string) => t.split('\n').map((l) => l.split(' ')[0]);
    expect(heads(second)).toEqual(heads(whole));
    for (const path of ['/proc/meminfo', '/proc/net/dev', '/proc/diskstats', '/proc/loadavg']) {
      expect(heads(await read(path)), path).toEqual(heads(readFileSync(path, 'utf8')));
      expect(heads(await read(path)), `${path}, read again`).toEqual(heads(readFileSync(path, 'utf8')));
    }
  });

  it('reads regular files under a capture root whole each time: a file replaced is seen', async () => {
    const root = mkdtempSync(join(tmpdir(), 'omega-reader-'));
    dirs.push(root);
    mkdirSync(join(root, 'proc'));
    const file = join(root, 'proc', 'stat');
    writeFileSync(file, 'cpu  1 2 3 4\n');
    const read = createTextReader(join(root, 'proc'), join(root, 'sys'));
    expect(await read(file)).toBe('cpu  1 2 3 4\n');
    writeFileSync(`${file}.new`, 'cpu  5 6 7 8\n');
    renameSync(`${file}.new`, file); // a new inode: an fd kept open would still read the old one
    expect(await read(file)).toBe('cpu  5 6 7 8\n');
  });

  it('a procfs file that vanishes fails as a missing file does, and is not served from the kept one', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const pid = child.pid as number;
    try {
      const read = createTextReader('/proc', '/sys');
      expect(await read(`/proc/${pid}/stat`)).toContain('(sleep)');
      expect(await read(`/proc/${pid}/stat`)).toContain('(sleep)'); // kept open from here
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      await expect(read(`/proc/${pid}/stat`)).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      child.kill('SIGKILL');
    }
  });
});
