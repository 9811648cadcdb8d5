import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../kernel/log/index.js';
import type { Storage } from '../../kernel/storage/index.js';
import { createSystemInfo } from '../../kernel/system/index.js';
import type { SystemArea, SystemAreaData } from '../../plugins/metrics/src/collect/host-data.js';
import { MetricsService } from '../../plugins/metrics/src/metrics-service.js';
import type { PluginStorage } from '../../plugins/metrics/src/persist/plugin-storage.js';
import { parseSeriesId } from '../../plugins/metrics/src/series/series-id.js';
import { removeDir } from '../helpers/temp-kernel.js';
import { metricsStorageAt } from './metrics-storage.js';

/*
 * The per-second path of the collector on this machine's real /proc and /sys (the kernel's own
 * system capability) and real storage: which host calls a collection makes, and what the
 * published samples carry.
 */

const logger = createLogger({ level: 'silent' });
const dirs: string[] = [];
const opened: Storage[] = [];
const T0 = Date.UTC(2026, 0, 1, 10, 0, 0, 20);
/** The series name of a `metrics.sample` value's id. */
const nameOf = (id: string): string => parseSeriesId(id)?.name ?? id;

afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  for (const d of dirs.splice(0)) removeDir(d);
});

async function storage(): Promise<PluginStorage> {
  const dir = mkdtempSync(join(tmpdir(), 'omega-metrics-path-'));
  dirs.push(dir);
  return metricsStorageAt(dir, logger, opened);
}

type Temperature = SystemAreaData['temperature'];

/**
 * A collector over the real system capability; `sensors` replaces the host's temperature
 * answer with one that has a sensor (a VM has none). Counts the reads per area.
 */
async function rig(
  opts: { sensors?: boolean; batched?: boolean; procRoot?: string; failTopologyRead?: number } = {},
) {
  const sys = createSystemInfo({ cacheMs: 0, ...(opts.procRoot ? { procRoot: opts.procRoot } : {}) });
  const clock = { now: T0 };
  const reads = new Map<string, number>();
  const samples: SystemArea[][] = [];
  const published: Array<{ topic: string; data: Record<string, unknown> }> = [];
  const service = new MetricsService(
    {
      ...(opts.batched
        ? {
            async sampleSystem(areas: readonly SystemArea[]) {
              samples.push([...areas]);
              return JSON.parse(JSON.stringify(await sys.sample(areas)));
            },
          }
        : {}),
      async readSystem(area: SystemArea) {
        reads.set(area, (reads.get(area) ?? 0) + 1);
        if (area === 'topology' && reads.get(area) === opts.failTopologyRead)
          throw new Error('topology unreadable');
        const v = await sys.read(area);
        if (area !== 'temperature' || !opts.sensors) return v;
        const t = v as Temperature;
        return {
          ...t,
          available: true,
          sensors: [{ chip: 'coretemp', label: 'Package id 0', celsius: 50, source: 'hwmon' }],
        } satisfies Temperature;
      },
      storage: await storage(),
      emit: (topic, data) => void published.push({ topic, data: data as Record<string, unknown> }),
      fetch: async () => ({ status: 200 }),
      log: () => {},
      now: () => clock.now,
    },
    { sensorRecheckMs: 10_000 },
  );
  await service.start();
  /** One collection `seconds` after T0 (real time passes too: the counters move). */
  const collect = async (seconds: number) => {
    clock.now = T0 + seconds * 1000;
    await new Promise((r) => setTimeout(r, 30));
    await service.collect();
  };
  /** The same, with the reading a timer tick carries (the kernel's system.sample of tickAreas()). */
  const collectTick = async (seconds: number) => {
    clock.now = T0 + seconds * 1000;
    await new Promise((r) => setTimeout(r, 30));
    await service.collect(JSON.parse(JSON.stringify(await sys.sample(service.tickAreas()))));
  };
  return { service, clock, reads, samples, published, collect, collectTick };
}

/** The series names (but the per-device net. and fs. ones) of the last metrics.sample a rig published, sorted. */
const sampleNames = (r: Awaited<ReturnType<typeof rig>>) =>
  Object.keys((r.published.filter((p) => p.topic === 'metrics.sample').at(-1)?.data.values ?? {}) as object)
    .map(nameOf)
    .filter((n) => !n.startsWith('net.') && !n.startsWith('fs.'))
    .sort();

describe('the collector’s per-second path', () => {
  it('asks a host without sensors for temperatures once per re-check, one with sensors every second', async () => {
    const real = await createSystemInfo({ cacheMs: 0 }).read('temperature');
    const hasSensors = real.sensors.length > 0 || real.cpu.cores.length > 0;
    const bare = await rig();
    for (let s = 0; s < 5; s++) await bare.collect(s);
    expect(bare.reads.get('cpu')).toBe(5);
    expect(bare.reads.get('temperature')).toBe(hasSensors ? 5 : 1);
    // Not read, still shown: /latest keeps the newest (empty) answer.
    expect(bare.service.latest.get(bare.service.node)?.data.temperature).toBeDefined();
    await bare.collect(10);
    expect(bare.reads.get('temperature')).toBe(hasSensors ? 6 : 2);

    const warm = await rig({ sensors: true });
    for (let s = 0; s < 5; s++) await warm.collect(s);
    expect(warm.reads.get('temperature')).toBe(5);
    const last = warm.published.filter((p) => p.topic === 'metrics.sample').at(-1)?.data;
    const names = Object.keys((last?.values ?? {}) as object).map(nameOf);
    expect(names).toContain('temp.sensor');
  });

  it('with system.sample, one host call per collection carries every area, samples as per-area reads give', async () => {
    const one = await rig({ batched: true });
    const per = await rig();
    for (let s = 0; s < 3; s++) {
      await one.collect(s);
      await per.collect(s);
    }
    expect(one.samples).toHaveLength(3);
    expect(one.samples[0]).toEqual(expect.arrayContaining(['cpu', 'memory', 'disk', 'network']));
    // Only the topology (every few minutes) still goes alone.
    expect([...one.reads.keys()]).toEqual(['topology']);
    expect(sampleNames(one).length).toBeGreaterThan(10);
    expect(sampleNames(one)).toEqual(sampleNames(per));
  });

  it('reads the topology once a minute, and at once when the carried cpu reading shows another core count', async () => {
    const r = await rig({ batched: true });
    for (let s = 0; s < 40; s++) await r.collectTick(s);
    expect(r.reads.get('topology')).toBe(1); // at start only: not every 10 s
    // A core taken offline: the next reading has one core fewer, and the topology is read again.
    const sys = createSystemInfo({ cacheMs: 0 });
    const reading = JSON.parse(JSON.stringify(await sys.sample(r.service.tickAreas())));
    reading.data.cpu.cores = reading.data.cpu.cores.slice(1);
    await r.service.collect(reading);
    expect(r.reads.get('topology')).toBe(2);
    await r.collectTick(41); // back to all cores: read again
    expect(r.reads.get('topology')).toBe(3);
    await r.collectTick(101); // a minute after the last read (at 41 s)
    expect(r.reads.get('topology')).toBe(4);
  });

  it('reads the topology again 10 s after a read that failed, not a minute later', async () => {
    const r = await rig({ batched: true, failTopologyRead: 2 });
    await r.collectTick(0);
    const sys = createSystemInfo({ cacheMs: 0 });
    /** A tick at `seconds` whose cpu reading has one core fewer (taken offline at 1 s). */
    const oneCoreFewer = async (seconds: number) => {
      const reading = JSON.parse(JSON.stringify(await sys.sample(r.service.tickAreas())));
      reading.data.cpu.cores = reading.data.cpu.cores.slice(1);
      r.clock.now = T0 + seconds * 1000;
      await r.service.collect(reading);
    };
    await oneCoreFewer(1); // the core count changed: read 2, which fails
    expect(r.reads.get('topology')).toBe(2);
    await oneCoreFewer(10);
    expect(r.reads.get('topology')).toBe(2);
    await oneCoreFewer(11); // 10 s after the failed read
    expect(r.reads.get('topology')).toBe(3);
  });

  it('with a reading carried by the timer tick, a collection asks for nothing it carries', async () => {
    const real = await createSystemInfo({ cacheMs: 0 }).read('temperature');
    const hasSensors = real.sensors.length > 0 || real.cpu.cores.length > 0;
    const tick = await rig({ batched: true });
    const per = await rig();
    for (let s = 0; s < 3; s++) {
      await tick.collectTick(s);
      await per.collect(s);
    }
    // The first collection (before the collector knows whether there are sensors) re-checks
    // temperature (and GPUs) with one system.sample; then nothing goes alone but the topology.
    expect(tick.samples.slice(1).flat()).toEqual([]);
    if (!hasSensors) expect(tick.samples[0]).toEqual(expect.arrayContaining(['temperature']));
    expect(tick.samples[0]).not.toContain('cpu');
    expect([...tick.reads.keys()]).toEqual(['topology']);
    expect(tick.service.stats.readFailures).toBe(0);
    expect(sampleNames(tick).length).toBeGreaterThan(10);
    expect(sampleNames(tick)).toEqual(sampleNames(per));
    // A denied area in the tick's reading is a failed area, the others still recorded.
    await tick.service.collect({
      data: {},
      errors: { cpu: { code: 'OMEGA_ERR_PERM_DENIED', message: 'denied by the operator' } },
    });
    expect(tick.service.stats.readFailures).toBeGreaterThanOrEqual(1);
  });

  it('with system.sample, an area that fails is counted and logged, the others still recorded', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'omega-metrics-noproc-'));
    dirs.push(empty);
    const r = await rig({ batched: true, procRoot: empty });
    await r.collect(0);
    expect(r.samples).toHaveLength(1);
    expect(r.service.stats.readFailures).toBeGreaterThanOrEqual(4);
    expect(r.published.filter((p) => p.topic === 'metrics.sample')).toHaveLength(1);
  });

  it('sends the prom table whole with the first sample, then only for series that joined, never per sample', async () => {
    const r = await rig();
    for (let s = 0; s < 4; s++) await r.collect(s);
    const samples = r.published.filter((p) => p.topic === 'metrics.sample').map((p) => p.data);
    expect(samples).toHaveLength(4);
    // First collection: gauges only; second: the rates and shares join (a new layout); then none.
    expect(samples.map((d) => d.prom !== undefined)).toEqual([true, true, false, false]);
    for (const d of samples) {
      // Each value once, by id: no per-series objects (names, labels, prom) every second.
      expect('samples' in d).toBe(false);
      expect(Object.values(d.values as object).every((v) => typeof v === 'number')).toBe(true);
    }
    // The second carries only the series that joined: merged, the two name every series.
    const first = samples[0]?.prom as Record<string, { name: string }>;
    const joined = samples[1]?.prom as Record<string, { name: string }>;
    expect(Object.keys(joined).length).toBeGreaterThan(0);
    expect(Object.keys(joined).filter((id) => Object.hasOwn(first, id))).toEqual([]);
    const table = { ...first, ...joined };
    const values = samples[3]?.values as Record<string, number>;
    expect(Object.keys(table).sort()).toEqual(Object.keys(values).sort());
    for (const [id, v] of Object.entries(values)) {
      expect(r.service.promOf(id), id).toEqual(table[id]);
      // Recorded where the id says, with the value published.
      expect(r.service.store.get(id)?.history.lastValue, id).toBe(v);
    }
    expect(table[`cpu.busy{node="${r.service.node}",cpu="total"}`]).toEqual({ name: 'omega_cpu_busy_ratio' });
  });
});
