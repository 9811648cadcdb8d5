import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../kernel/errors/index.js';
import { type CpuUsage, createSystemInfo, parseMounts, type SystemArea } from '../../kernel/system/index.js';

const PAGE = 4096;
const sys = createSystemInfo({ cacheMs: 0 });

const expectUsage = (u: CpuUsage) => {
  const fractions = Object.values(u.fractions);
  for (const f of fractions) {
    expect(f).toBeGreaterThanOrEqual(0);
    expect(f).toBeLessThanOrEqual(1);
  }
  expect(fractions.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  expect(u.busy).toBeGreaterThanOrEqual(0);
  expect(u.busy).toBeLessThanOrEqual(1);
};

describe('createSystemInfo on this machine (/proc source)', () => {
  it('cpu: one entry per logical CPU, fractions in [0,1] summing to 1, monotonic counters', async () => {
    const a = await sys.cpu();
    expect(a.cores.length).toBe(os.cpus().length);
    expect(a.intervalSeconds).toBeNull();
    expectUsage(a.total);
    for (const c of a.cores) expectUsage(c);
    expect(a.load?.load1).toBeGreaterThanOrEqual(0);
    // Burn a little CPU so at least one tick passes between the reads.
    const until = Date.now() + 30;
    while (Date.now() < until) {}
    const b = await sys.cpu();
    expect(b.intervalSeconds).toBeGreaterThan(0);
    expectUsage(b.total);
    for (const k of Object.keys(a.total.seconds) as Array<keyof CpuUsage['seconds']>) {
      expect(b.total.seconds[k]).toBeGreaterThanOrEqual(a.total.seconds[k]);
    }
  });

  it('memory: total matches os.totalmem() within a page; parts fit inside the total', async () => {
    const m = await sys.memory();
    expect(Math.abs(m.totalBytes - os.totalmem())).toBeLessThanOrEqual(PAGE);
    expect(m.freeBytes).toBeLessThanOrEqual(m.totalBytes);
    expect(m.usedBytes).toBeGreaterThan(0);
    expect(m.usedBytes).toBeLessThan(m.totalBytes);
    expect(m.swap.usedBytes).toBe(m.swap.totalBytes - m.swap.freeBytes);
  });

  it('network: lo is there and counters never go backwards', async () => {
    const a = await sys.network();
    const b = await sys.network();
    expect(a.interfaces.map((i) => i.name)).toContain('lo');
    for (const ia of a.interfaces) {
      const ib = b.interfaces.find((i) => i.name === ia.name);
      if (!ib) continue;
      expect(ib.rxBytes).toBeGreaterThanOrEqual(ia.rxBytes);
      expect(ib.txBytes).toBeGreaterThanOrEqual(ia.txBytes);
      expect(ib.rxPackets!).toBeGreaterThanOrEqual(ia.rxPackets!);
    }
  });

  it('disk: real filesystems with consistent sizes, device counters monotonic', async () => {
    const expected = parseMounts(await readFile('/proc/mounts', 'utf8')).map((m) => m.mount);
    const a = await sys.disk();
    await readFile('/proc/self/status'); // some IO between the reads
    const b = await sys.disk();
    if (expected.includes('/')) expect(a.filesystems.map((f) => f.mount)).toContain('/');
    for (const f of a.filesystems) {
      expect(expected).toContain(f.mount);
      expect(f.sizeBytes).toBeGreaterThan(0);
      expect(f.usedBytes + f.freeBytes).toBe(f.sizeBytes);
      expect(f.availBytes).toBeLessThanOrEqual(f.freeBytes);
    }
    for (const da of a.devices) {
      const db = b.devices.find((d) => d.name === da.name)!;
      expect(db.readsCompleted).toBeGreaterThanOrEqual(da.readsCompleted);
      expect(db.writtenBytes!).toBeGreaterThanOrEqual(da.writtenBytes!);
      expect(da.name).not.toMatch(/^(loop|z?ram)\d+$/);
    }
  });

  it('topology: counts agree with os.cpus() and NUMA nodes hold known CPUs', async () => {
    const t = await sys.topology();
    const n = os.cpus().length;
    expect(t.logicalCores).toBe(n);
    expect(t.cpus.map((c) => c.cpu)).toHaveLength(n);
    expect(t.physicalCores).toBeGreaterThanOrEqual(1);
    expect(t.physicalCores).toBeLessThanOrEqual(n);
    expect(t.sockets).toBeGreaterThanOrEqual(1);
    expect(t.model.length).toBeGreaterThan(0);
    const ids = new Set(t.cpus.map((c) => c.cpu));
    for (const node of t.numaNodes) for (const c of node.cpus) expect(ids.has(c)).toBe(true);
    for (const c of t.cpus) {
      if (c.node !== undefined) expect(t.numaNodes.find((x) => x.node === c.node)?.cpus).toContain(c.cpu);
    }
    // Unchanged topology is served from the cheap re-check, as the same object.
    expect(await sys.topology()).toBe(t);
  });

  it('temperature and gpu: absent means available:false and no numbers, never zeros', async () => {
    const t = await sys.temperature();
    if (!t.available) {
      expect(t.sensors).toEqual([]);
      expect(t.cpu).toEqual({ cores: [] });
    } else {
      for (const s of t.sensors) expect(Number.isFinite(s.celsius)).toBe(true);
    }
    const g = await sys.gpu();
    expect(g.available).toBe(g.gpus.length > 0);
    for (const gpu of g.gpus) {
      for (const v of Object.values(gpu)) expect(v).not.toBeUndefined();
    }
  });

  it('snapshot is plain JSON data (a JSON round trip changes nothing)', async () => {
    const snap = await sys.snapshot();
    expect(JSON.parse(JSON.stringify(snap))).toStrictEqual(snap);
    expect(Object.keys(snap).sort()).toEqual(
      ['at', 'cpu', 'disk', 'gpu', 'memory', 'network', 'temperature', 'topology'].sort(),
    );
  });

  it('read(area) dispatches by area name and rejects unknown areas with a coded error', async () => {
    expect((await sys.read('memory')).totalBytes).toBeGreaterThan(0);
    const err = await sys.read('secrets' as SystemArea).catch((e: unknown) => e);
    expect(hasErrorCode(err, 'OMEGA_ERR_VALIDATION')).toBe(true);
  });
});

describe('sample(areas): several areas in one call', () => {
  it('answers each asked area under its name, as read(area) does, frozen', async () => {
    const s = await sys.sample(['memory', 'network', 'disk']);
    expect(Object.keys(s.data).sort()).toEqual(['disk', 'memory', 'network']);
    expect(s.errors).toEqual({});
    const m = s.data.memory as { totalBytes: number };
    expect(Math.abs(m.totalBytes - os.totalmem())).toBeLessThanOrEqual(PAGE);
    expect(
      (s.data.network as { interfaces: Array<{ name: string }> }).interfaces.map((i) => i.name),
    ).toContain('lo');
    expect(Object.isFrozen(s.data.memory)).toBe(true);
    expect(() => {
      (m as { totalBytes: number }).totalBytes = 1;
    }).toThrow(TypeError);
  });

  it('rejects unknown or repeated areas with a coded error', async () => {
    for (const bad of [
      ['cpu', 'battery'],
      ['cpu', 'cpu'],
    ] as SystemArea[][]) {
      const err = await sys.sample(bad).catch((e: unknown) => e);
      expect(hasErrorCode(err, 'OMEGA_ERR_VALIDATION'), bad.join()).toBe(true);
    }
  });

  it('one failing area leaves the others answered, with the failure’s code and message', async () => {
    const empty = await mkdtemp(join(os.tmpdir(), 'omega-proc-sample-'));
    try {
      const s = createSystemInfo({ procRoot: empty, cacheMs: 0 });
      const r = await s.sample(['memory', 'topology']);
      expect(Object.keys(r.data)).toEqual(['topology']);
      expect(r.errors.memory?.code).toBe('OMEGA_ERR_SYSTEM_READ');
      expect(r.errors.memory?.message).toContain(join(empty, 'meminfo'));
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe('failures', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('an unreadable /proc source rejects with OMEGA_ERR_SYSTEM_READ naming the file, and is not cached', async () => {
    const empty = await mkdtemp(join(os.tmpdir(), 'omega-proc-'));
    dirs.push(empty);
    const s = createSystemInfo({ procRoot: empty, cacheMs: 60_000 });
    const err = await s.cpu().catch((e: unknown) => e);
    expect(hasErrorCode(err, 'OMEGA_ERR_SYSTEM_READ')).toBe(true);
    expect((err as { extras: { source: string } }).extras.source).toBe(join(empty, 'stat'));
    const again = await s.memory().catch((e: unknown) => e);
    expect(hasErrorCode(again, 'OMEGA_ERR_SYSTEM_READ')).toBe(true);
  });
});

describe('systeminformation source (the non-Linux path, run here for its shape)', () => {
  it('returns the same areas with counters and fractions in range', async () => {
    const s = createSystemInfo({ source: 'systeminformation', cacheMs: 0 });
    const snap = await s.snapshot();
    expect(snap.cpu.cores.length).toBe(os.cpus().length);
    expectUsage(snap.cpu.total);
    expect(Math.abs(snap.memory.totalBytes - os.totalmem())).toBeLessThanOrEqual(PAGE);
    expect(snap.network.interfaces.map((i) => i.name)).toContain('lo');
    expect(snap.topology.logicalCores).toBe(os.cpus().length);
    expect(JSON.parse(JSON.stringify(snap))).toStrictEqual(snap);
  });
});
