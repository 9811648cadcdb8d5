import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createSystemInfo, shared } from '../../kernel/system/index.js';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('shared(read, ttlMs)', () => {
  it('gives concurrent callers one in-flight read', async () => {
    let calls = 0;
    const read = shared(async () => {
      calls++;
      await tick();
      return calls;
    }, 0);
    const results = await Promise.all(Array.from({ length: 20 }, () => read()));
    expect(calls).toBe(1);
    expect(new Set(results)).toEqual(new Set([1]));
    // ttl 0: a later call reads again.
    expect(await read()).toBe(2);
  });

  it('serves the last result within ttl, measured from the start of the read', async () => {
    let t = 0;
    let calls = 0;
    const read = shared(
      async () => ++calls,
      1000,
      () => t,
    );
    expect(await read()).toBe(1);
    t = 999;
    expect(await read()).toBe(1);
    t = 1000;
    expect(await read()).toBe(2);
  });

  it('does not keep failures: waiters see the error, the next call reads again', async () => {
    let calls = 0;
    const read = shared(async () => {
      calls++;
      await tick();
      if (calls === 1) throw new Error('boom');
      return 'ok';
    }, 60_000);
    const settled = await Promise.allSettled([read(), read(), read()]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(calls).toBe(1);
    expect(await read()).toBe('ok');
    expect(await read()).toBe('ok');
    expect(calls).toBe(2);
  });

  it('turns a synchronous throw into a rejection', async () => {
    const read = shared<number>(() => {
      throw new Error('sync');
    }, 1000);
    await expect(read()).rejects.toThrow('sync');
  });
});

describe('createSystemInfo shares reads of the real files', () => {
  const counting = () => {
    const counts = new Map<string, number>();
    const readText = (path: string) => {
      counts.set(path, (counts.get(path) ?? 0) + 1);
      return readFile(path, 'utf8');
    };
    return { counts, readText };
  };

  it('50 concurrent cpu() calls read /proc/stat once and get the same frozen object', async () => {
    const { counts, readText } = counting();
    const sys = createSystemInfo({ cacheMs: 60_000, readText });
    const all = await Promise.all(Array.from({ length: 50 }, () => sys.cpu()));
    expect(counts.get('/proc/stat')).toBe(1);
    expect(counts.get('/proc/loadavg')).toBe(1);
    expect(new Set(all).size).toBe(1);
    expect(Object.isFrozen(all[0]!.total.fractions)).toBe(true);
    // Within the ttl, later calls are served from the cache.
    await sys.cpu();
    await sys.read('cpu');
    expect(counts.get('/proc/stat')).toBe(1);
  });

  it('snapshot() shares the per-area reads with concurrent area calls', async () => {
    const { counts, readText } = counting();
    const sys = createSystemInfo({ cacheMs: 60_000, readText });
    const [snap, mem, net] = await Promise.all([sys.snapshot(), sys.memory(), sys.network(), sys.snapshot()]);
    expect(snap.memory).toBe(mem);
    expect(snap.network).toBe(net);
    for (const f of ['/proc/stat', '/proc/meminfo', '/proc/net/dev', '/proc/diskstats', '/proc/mounts']) {
      expect(counts.get(f)).toBe(1);
    }
  });

  it('disk: device counters every read, filesystem usage and the mount table once per their recheck', async () => {
    const { counts, readText } = counting();
    const sys = createSystemInfo({
      cacheMs: 0,
      mountsRecheckMs: 60_000,
      filesystemsRecheckMs: 60_000,
      readText,
    });
    const first = await sys.disk();
    for (let i = 0; i < 4; i++) await sys.disk();
    expect(counts.get('/proc/diskstats')).toBe(5);
    expect(counts.get('/proc/mounts')).toBe(1);
    const last = await sys.disk();
    expect(last).not.toBe(first);
    expect(last.filesystems.map((f) => f.mount)).toEqual(first.filesystems.map((f) => f.mount));
    expect(last.filesystems.length).toBeGreaterThan(0);
    expect(Object.isFrozen(last.filesystems[0])).toBe(true);
    // statfs ran once: the same usage, with the time it was read, not the time of this read.
    expect(last.filesystems).toBe(first.filesystems);
    expect(last.filesystemsAt).toBe(first.filesystemsAt);
    expect(last.filesystemsAt).toBeLessThanOrEqual(last.at);

    const { counts: again, readText: r2 } = counting();
    const eager = createSystemInfo({ cacheMs: 0, mountsRecheckMs: 0, readText: r2 });
    for (let i = 0; i < 3; i++) await eager.disk();
    expect(again.get('/proc/mounts')).toBe(3);
  });

  it('disk: filesystemsRecheckMs 0 or one period reads filesystem usage every read', async () => {
    for (const filesystemsRecheckMs of [0, 1000]) {
      const sys = createSystemInfo({ cacheMs: 0, filesystemsRecheckMs });
      const first = await sys.disk();
      await new Promise((r) => setTimeout(r, filesystemsRecheckMs === 0 ? 2 : 800));
      const next = await sys.disk();
      expect(next.filesystems).not.toBe(first.filesystems);
      expect(next.filesystemsAt).toBeGreaterThan(first.filesystemsAt!);
    }
  });

  it('disk: filesystem usage is read again once the mount table changes', async () => {
    const sys = createSystemInfo({ cacheMs: 0, mountsRecheckMs: 0, filesystemsRecheckMs: 60_000 });
    const first = await sys.disk();
    const next = await sys.disk();
    // Each re-read of the mount table is a new list: its usage is read with it.
    expect(next.filesystems).not.toBe(first.filesystems);
  });

  it('reads again once the ttl has passed', async () => {
    const { counts, readText } = counting();
    const sys = createSystemInfo({ cacheMs: 20, readText });
    await Promise.all([sys.memory(), sys.memory()]);
    await new Promise((r) => setTimeout(r, 40));
    await sys.memory();
    expect(counts.get('/proc/meminfo')).toBe(2);
  });
});
