import { spawn } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, open, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type DiskRates, diskRates, parseBlockStat } from '../src/index.js';
import { ensureCommand, hasCommand, isRoot, removeAll, run } from './helpers/host-tools.js';

/**
 * Same inputs → same numbers as Debian's `iostat -x` (sysstat). Two real readings of a real
 * disk's /sys/block/<dev>/stat (with IO between them) are fed to iostat through FIFOs
 * bind-mounted over that file and over /proc/uptime in a private mount namespace (iostat opens
 * them once per report, so a FIFO hands it exactly the reading we choose, and /proc/uptime says
 * exactly 1.00 s passed). Our diskRates() gets the same two readings and 1 s.
 */
const dirs: string[] = [];
afterAll(() => removeAll(dirs));

/** iostat's JSON column → our field and the factor from ours to iostat's unit. */
const COLUMNS: Array<[string, keyof DiskRates, number]> = [
  ['r/s', 'readsPerSecond', 1],
  ['w/s', 'writesPerSecond', 1],
  ['d/s', 'discardsPerSecond', 1],
  ['f/s', 'flushesPerSecond', 1],
  ['rkB/s', 'readBytesPerSecond', 1 / 1024],
  ['wkB/s', 'writeBytesPerSecond', 1 / 1024],
  ['dkB/s', 'discardBytesPerSecond', 1 / 1024],
  ['rrqm/s', 'readMergesPerSecond', 1],
  ['wrqm/s', 'writeMergesPerSecond', 1],
  ['drqm/s', 'discardMergesPerSecond', 1],
  ['rrqm', 'readMergedFraction', 100],
  ['wrqm', 'writeMergedFraction', 100],
  ['drqm', 'discardMergedFraction', 100],
  ['r_await', 'readAwaitMs', 1],
  ['w_await', 'writeAwaitMs', 1],
  ['d_await', 'discardAwaitMs', 1],
  ['f_await', 'flushAwaitMs', 1],
  ['rareq-sz', 'readRequestBytes', 1 / 1024],
  ['wareq-sz', 'writeRequestBytes', 1 / 1024],
  ['dareq-sz', 'discardRequestBytes', 1 / 1024],
  ['aqu-sz', 'queueSize', 1],
  ['util', 'utilization', 100],
];

/**
 * Serves FIFOs strictly in turn, one open at a time, round after round: iostat opens
 * /proc/uptime, then /proc/stat (left real), then /sys/block/<dev>/stat once per report (seen with
 * strace), so round k hands it uptime k and disk reading k, with no timing involved.
 */
function serveInTurn(fifos: Array<{ path: string; text: (round: number) => string }>): { stop(): void } {
  let stopped = false;
  let round = 0;
  const loop = async () => {
    while (!stopped) {
      for (const f of fifos) {
        if (stopped) return;
        try {
          const fh = await open(f.path, 'w'); // blocks until the reader opens
          try {
            if (!stopped) await fh.writeFile(f.text(round));
          } finally {
            await fh.close();
          }
        } catch {
          // The reader went away (EPIPE) or stop() unblocked us.
        }
      }
      round++;
    }
  };
  void loop();
  return {
    stop() {
      stopped = true;
      // Unblock a writer waiting in open(): be a reader for a moment.
      for (const f of fifos) {
        try {
          closeSync(openSync(f.path, constants.O_RDONLY | constants.O_NONBLOCK));
        } catch {}
      }
    },
  };
}

describe('diskRates() against iostat -x', () => {
  it('gives the numbers iostat prints for the same two readings of a real disk', async (ctx) => {
    if (!isRoot()) ctx.skip('needs root: bind mounts in a private mount namespace');
    const missing = ensureCommand('iostat', 'sysstat');
    if (missing) ctx.skip(missing);
    if (!hasCommand('unshare')) ctx.skip('unshare (util-linux) is missing');
    // The busiest whole disk of this machine (iostat hides devices that never did IO).
    const disks = run('sh', ['-c', 'ls /sys/block'])
      .split('\n')
      .filter((d) => d && !/^(loop|ram|zram)/.test(d));
    const dev = disks
      .map((d) => ({ d, ios: Number(readFileSync(`/sys/block/${d}/stat`, 'utf8').trim().split(/\s+/)[0]) }))
      .sort((a, b) => b.ios - a.ios)[0]?.d;
    if (!dev) ctx.skip('no block device with IO on this machine');

    const work = await mkdtemp(join(os.tmpdir(), 'omega-iostat-'));
    dirs.push(work);
    const a = readFileSync(`/sys/block/${dev}/stat`, 'utf8');
    // Real IO between the readings: write and fsync 8 MiB, read it back.
    const big = join(work, 'io.bin');
    await writeFile(big, Buffer.alloc(8 * 1024 * 1024, 7), { flush: true });
    readFileSync(big);
    await new Promise((r) => setTimeout(r, 300));
    const b = readFileSync(`/sys/block/${dev}/stat`, 'utf8');

    const statFifo = join(work, 'stat');
    const upFifo = join(work, 'uptime');
    run('mkfifo', [statFifo, upFifo]);
    const uptime0 = 100_000;
    // Report k sees uptime0 + k seconds (so exactly 1.00 s between reports) and reading a, then b.
    const serving = serveInTurn([
      { path: upFifo, text: (k) => `${uptime0 + k}.00 ${uptime0 + k}.00\n` },
      { path: statFifo, text: (k) => (k === 0 ? a : b) },
    ]);
    const script = `mount --bind ${statFifo} /sys/block/${dev}/stat && mount --bind ${upFifo} /proc/uptime && exec iostat -x -d -o JSON ${dev} 1 2`;
    const child = spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    serving.stop();
    expect(err).toBe('');
    expect(code).toBe(0);
    writeFileSync(join(work, 'iostat.json'), out);

    const reports = JSON.parse(out).sysstat.hosts[0].statistics as Array<{
      disk: Array<Record<string, number>>;
    }>;
    const theirs = reports[1]!.disk.find((d) => d.disk_device === (dev as unknown as number))!;
    expect(theirs).toBeDefined();
    const ours = diskRates(parseBlockStat(dev!, a)!, parseBlockStat(dev!, b)!, 1);
    expect(ours.writesPerSecond).toBeGreaterThan(0); // the readings really differ
    for (const [column, field, factor] of COLUMNS) {
      if (theirs[column] === undefined) continue;
      const mine = ours[field];
      expect(mine, `${column} (${String(field)})`).toBeTypeOf('number');
      // iostat prints two decimals: equal within its rounding.
      expect(Math.abs((mine as number) * factor - theirs[column]!), column).toBeLessThanOrEqual(0.0051);
    }
  });
});
