import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSecondSampler, diskRates, isHostinfoError, parseDiskCounters } from '../src/index.js';
import { PROC_LOADAVG, PROC_MEMINFO, PROC_NET_DEV, PROC_STAT } from './fixtures/proc-text.js';
import { removeAll, writeTree } from './helpers/host-tools.js';

const dirs: string[] = [];
afterAll(() => removeAll(dirs));

describe('diskRates (kernel iostats.rst fields)', () => {
  it('computes iostat -x figures from two readings and leaves out fields an old kernel lacks', () => {
    const [a] = parseDiskCounters(' 8 0 sda 100 10 800 50 20 2 160 30 0 70 80 0 0 0 0 0 0\n');
    const [b] = parseDiskCounters(' 8 0 sda 300 30 2400 250 60 22 960 230 1 570 880 4 0 64 8 10 30\n');
    const r = diskRates(a!, b!, 2);
    expect(r).toMatchObject({
      readsPerSecond: 100,
      writesPerSecond: 20,
      readBytesPerSecond: (1600 * 512) / 2,
      writeBytesPerSecond: (800 * 512) / 2,
      readMergedFraction: 20 / 220,
      writeMergedFraction: 20 / 60,
      readAwaitMs: 1,
      writeAwaitMs: 5,
      readRequestBytes: (1600 * 512) / 200,
      queueSize: 0.4,
      utilization: 0.25,
      discardsPerSecond: 2,
      flushesPerSecond: 5,
      flushAwaitMs: 3,
    });
    const old = parseDiskCounters(' 8 0 sda 1 0 8 1 1 0 8 1 0 2 2\n');
    expect(old[0]!.discardIos).toBeUndefined();
    expect('discardsPerSecond' in diskRates(old[0]!, old[0]!, 1)).toBe(false);
  });
});

describe('createSecondSampler', () => {
  it('live: the first reading has no rates; the second sees loopback traffic and CPU since the first', async () => {
    const sampler = createSecondSampler();
    const first = sampler.sample();
    expect(first.cpu.intervalSeconds).toBeNull();
    expect(first.disks).toEqual([]);
    expect(first.network).toEqual([]);
    expect(Math.abs(first.memory.totalBytes - os.totalmem())).toBeLessThanOrEqual(4096);
    // 2 MiB over loopback between the readings.
    const server = createServer((s) => s.resume());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    const sock = createConnection(port, '127.0.0.1');
    await once(sock, 'connect');
    await new Promise<void>((resolve) => sock.end(Buffer.alloc(2 * 1024 * 1024), resolve));
    await once(sock, 'close');
    server.close();
    await new Promise((r) => setTimeout(r, 50));
    const second = sampler.sample();
    const lo = second.network.find((n) => n.name === 'lo')!;
    expect(lo.rxBytesPerSecond * lo.intervalSeconds).toBeGreaterThanOrEqual(2 * 1024 * 1024);
    expect(second.cpu.intervalSeconds).toBeGreaterThan(0);
    const sum = Object.values(second.cpu.total.fractions).reduce((s, x) => s + x, 0);
    expect(sum).toBeCloseTo(1, 9);
    expect(second.cpu.cores).toHaveLength(os.cpus().length);
  });

  it('a recorded tree: a device that disappears is forgotten, and comes back as new (memory stays bounded)', async () => {
    const root = await writeTree({
      'proc/stat': PROC_STAT,
      'proc/loadavg': PROC_LOADAVG,
      'proc/meminfo': PROC_MEMINFO,
      'proc/net/dev': PROC_NET_DEV,
      'proc/diskstats': ' 8 0 sda 1 0 8 1 1 0 8 1 0 2 2\n 8 16 sdb 1 0 8 1 1 0 8 1 0 2 2\n',
    });
    dirs.push(root);
    let t = 0;
    const sampler = createSecondSampler({ root, now: () => t });
    sampler.sample();
    t = 1000;
    await writeFile(join(root, 'proc/diskstats'), ' 8 0 sda 5 0 40 2 1 0 8 1 0 3 3\n');
    expect(sampler.sample().disks.map((d) => [d.name, d.readsPerSecond])).toEqual([['sda', 4]]);
    t = 2000;
    await writeFile(
      join(root, 'proc/diskstats'),
      ' 8 0 sda 5 0 40 2 1 0 8 1 0 3 3\n 8 16 sdb 9 0 72 9 1 0 8 1 0 2 2\n',
    );
    expect(sampler.sample().disks.map((d) => d.name)).toEqual(['sda']);
    t = 3000;
    expect(sampler.sample().disks.map((d) => d.name)).toEqual(['sda', 'sdb']);
  });

  it('a missing file: HOSTINFO_ERR_READ naming it', async () => {
    const root = await writeTree({ 'proc/stat': PROC_STAT });
    dirs.push(root);
    let caught: unknown;
    try {
      createSecondSampler({ root }).sample();
    } catch (err) {
      caught = err;
    }
    expect(isHostinfoError(caught, 'HOSTINFO_ERR_READ')).toBe(true);
    expect((caught as { source: string }).source).toBe(join(root, 'proc/loadavg'));
  });
});
