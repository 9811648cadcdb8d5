import { describe, expect, it } from 'vitest';
import { loadSamples } from '../src/collect/load-samples.js';
import { ingestNodeLoads, type RemoteSnapshot } from '../src/collect/node-loads.js';
import { ExpositionBuilder } from '../src/prometheus/exposition-builder.js';
import { renderPrometheus } from '../src/prometheus/render-prometheus.js';
import { rangeQuery } from '../src/query/range-query.js';
import { CompactHistory } from '../src/store/compact-history.js';
import { MetricStore } from '../src/store/metric-store.js';
import { SeriesHistory } from '../src/store/series-history.js';
import { REMOTE_TIERS } from '../src/store/tiers.js';

/* Remote nodes' series in the metrics plugin: the compact history, the load → series mapping, ingestion, exposition. */

const T0 = Date.parse('2026-01-01T00:00:00Z');

describe('compact history (remote nodes)', () => {
  it('holds 1,568 bytes of values per series', () => {
    const h = new CompactHistory();
    // One buffer shared by the three tiers.
    expect(new Set(h.tiers.map((t) => t.data)).size).toBe(1);
    const bytes = h.tiers[0].data.byteLength;
    expect(bytes).toBe(REMOTE_TIERS.reduce((n, t) => n + t.capacity * 4, 0));
    expect(bytes).toBe(1_568);
    // The host's own history, for comparison: 41,568 bytes (its region of a shared slab).
    expect(new SeriesHistory().tiers.reduce((n, t) => n + t.capacity * t.fields * 4, 0)).toBe(41_568);
  });

  it('keeps the newest value per 30 s bucket and averages up the tiers', () => {
    const h = new CompactHistory();
    // Two samples in one 30 s bucket: the newer wins; 20 buckets of 10 min each hold 1..20.
    h.record(T0 + 1_000, 99);
    for (let i = 0; i < 20; i++) h.record(T0 + i * 30_000 + 5_000, i + 1);
    expect(h.tiers[0].get(Math.floor((T0 + 5_000) / 30_000))).toBe(1);
    expect(h.tiers[1].get(Math.floor(T0 / 600_000))).toBeCloseTo(10.5);
    expect(h.tiers[2].get(Math.floor(T0 / 7_200_000))).toBeCloseTo(10.5);
    expect(h.lastValue).toBe(20);
  });

  it('answers range queries per tier; min/max over the coarse tiers say they are approximate', () => {
    const h = new CompactHistory();
    for (let i = 0; i < 240; i++) h.record(T0 + i * 30_000, i % 2 === 0 ? 1 : 3);
    const now = T0 + 240 * 30_000;
    const raw = rangeQuery(h, { from: now - 600_000, to: now, step: 60_000, agg: 'max' }, now);
    expect(raw.tier).toBe('raw');
    expect(raw.approximate).toBe(false);
    expect(raw.points.filter(([, v]) => v !== null).every(([, v]) => v === 3)).toBe(true);
    const day = rangeQuery(h, { from: now - 20 * 3_600_000, to: now, step: 600_000, agg: 'max' }, now);
    expect(day.tier).toBe('10min');
    expect(day.approximate).toBe(true);
    expect(day.points.filter(([, v]) => v !== null).map(([, v]) => v)).toEqual(Array(12).fill(2));
    const avg = rangeQuery(h, { from: now - 20 * 3_600_000, to: now, step: 600_000, agg: 'avg' }, now);
    expect(avg.approximate).toBe(false);
  });
});

describe('remote node loads → series', () => {
  it('maps the compact series set; absent figures give no series', () => {
    const s = loadSamples({
      cpu: 0.5,
      load1: 1.5,
      memUsed: 10,
      memTotal: 100,
      netRxBps: 7,
      gpus: [{ index: 1, util: 0.9 }],
    });
    expect(s.map((x) => `${x.name}${JSON.stringify(x.labels)}=${x.value}`)).toEqual([
      'cpu.busy{"cpu":"total"}=0.5',
      'load.1{}=1.5',
      'memory.used{}=10',
      'net.rx_bytes{"interface":"total"}=7',
      'gpu.utilization{"gpu":"1"}=0.9',
    ]);
    expect(loadSamples({ cpu: 'x', load1: Number.NaN })).toEqual([]);
    expect(loadSamples(null)).toEqual([]);
  });

  it('ingests a batch keyed by node name, skips the local host and malformed entries', () => {
    const store = new MetricStore();
    const remote = new Map<string, RemoteSnapshot>();
    const n = ingestNodeLoads(store, remote, 'kernel-host', {
      at: T0,
      nodes: [
        { id: 'nd-1', name: 'worker-1', load: { cpu: 0.25, memUsed: 5, memTotal: 10 } },
        { id: 'nd-2', name: 'Kernel-Host', load: { cpu: 0.9 } },
        { id: 'nd-3', name: 'bad name', load: { cpu: 0.1 } },
        { id: 'nd-4', name: 'worker-4', load: {} },
      ],
    });
    expect(n).toBe(1);
    expect(store.nodes()).toEqual(['worker-1']);
    expect(store.remoteSize).toBe(2);
    expect(store.get('cpu.busy{node="worker-1",cpu="total"}')?.history).toBeInstanceOf(CompactHistory);
    expect([...remote.keys()]).toEqual(['worker-1']);
    expect(ingestNodeLoads(store, remote, 'x', { at: 'later', nodes: [] })).toBe(0);
  });

  it('a full store of remote series drops further ones and counts them, without touching the host cap', () => {
    const store = new MetricStore(2_000, 3);
    store.record(
      'a',
      T0,
      [
        { name: 'x', labels: {}, value: 1 },
        { name: 'y', labels: {}, value: 1 },
      ],
      true,
    );
    store.record(
      'b',
      T0,
      [
        { name: 'x', labels: {}, value: 1 },
        { name: 'y', labels: {}, value: 1 },
      ],
      true,
    );
    expect(store.remoteSize).toBe(3);
    expect(store.dropped).toBe(1);
    expect(store.ensure('x{node="local"}')?.history).toBeInstanceOf(SeriesHistory);
  });

  it('the exposition writes each family once across the host and remote nodes', () => {
    const text = renderPrometheus(
      [
        {
          node: 'host',
          at: T0,
          data: {
            cpu: {
              at: T0,
              total: { seconds: {} },
              cores: [],
              load: { load1: 0.5, load5: 0, load15: 0 },
            } as never,
          },
        },
      ],
      [{ node: 'worker-1', id: 'nd-1', at: T0, load: { load1: 2, memTotal: 100, memUsed: 40, cpu: 0.5 } }],
    );
    expect(text.match(/^# TYPE node_load1 gauge$/gm)).toHaveLength(1);
    expect(text).toContain('node_load1{node="host"} 0.5');
    expect(text).toContain('node_load1{node="worker-1"} 2');
    expect(text).toContain('node_memory_MemAvailable_bytes{node="worker-1"} 60');
    expect(text).toContain('omega_cpu_busy_ratio{node="worker-1"} 0.5');
    expect(text).toContain(`omega_node_load_timestamp_seconds{node="worker-1"} ${T0 / 1000}`);
    expect(new ExpositionBuilder().render()).toBe('');
  });
});
