import { describe, expect, it } from 'vitest';
import { ingestSeries } from '../src/collect/ingest-series.js';
import { freshIngested, renderPrometheus } from '../src/prometheus/render-prometheus.js';
import { INGESTED_SERIES } from '../src/series/ingested-series.js';
import { MetricStore } from '../src/store/metric-store.js';

/* The resources plugin's series (`resources.series`) as the metrics plugin takes them in: hostile input refused and counted, the Prometheus families distinct. */

const NOW = Date.parse('2026-12-05T06:00:00Z');

describe('resources.series ingestion', () => {
  it('keeps only catalog names with their own labels, finite values, valid node names and a sane time', () => {
    const r = ingestSeries(
      {
        at: NOW,
        nodes: [
          {
            node: 'w1',
            samples: [
              ['probe.rtt', { peer: 'w2', quantile: '0.5' }, 0.0012],
              ['probe.loss', { peer: 'kernel' }, 0],
              ['fs.used_ratio', { mount: '/' }, 0.5],
              ['made.up', {}, 1], // not in the catalog
              ['probe.loss', { peer: 'w2', node: 'w9' }, 0], // node comes from the entry, never a label
              ['probe.loss', { peer: 'w2', extra: 'x' }, 0], // a label the name does not have
              ['probe.loss', { peer: 'x'.repeat(300) }, 0], // too long
              ['fs.avail', { mount: '/' }, Number.NaN],
              ['fs.avail', { mount: '/' }, '12'],
              ['fs.avail', [], 1],
              'garbage',
            ],
          },
          { node: 'bad name', samples: [['net.quality', {}, 1]] },
          { node: 'w2', samples: 'nope' },
        ],
      },
      NOW,
    );
    expect(r.batches).toHaveLength(1);
    expect(r.batches[0]!.node).toBe('w1');
    expect(r.batches[0]!.samples.map((s) => s.name)).toEqual(['probe.rtt', 'probe.loss', 'fs.used_ratio']);
    expect(r.refused).toBe(10);
  });

  it('refuses a whole batch from a clock more than ten minutes off, and anything not a batch', () => {
    const batch = (at: unknown) => ({ at, nodes: [{ node: 'w1', samples: [['net.quality', {}, 1]] }] });
    expect(ingestSeries(batch(NOW - 11 * 60_000), NOW)).toEqual({ batches: [], refused: 1 });
    expect(ingestSeries(batch(NOW + 11 * 60_000), NOW)).toEqual({ batches: [], refused: 1 });
    expect(ingestSeries(batch('now'), NOW).batches).toEqual([]);
    expect(ingestSeries(null, NOW)).toEqual({ batches: [], refused: 1 });
    expect(ingestSeries({ nodes: {} }, NOW)).toEqual({ batches: [], refused: 1 });
    expect(ingestSeries(batch(NOW - 60_000), NOW).batches).toHaveLength(1);
  });

  it('every ingested name has its own Prometheus family, none shared with another ingested name', () => {
    const families = new Map<string, string>();
    for (const [name, kind] of Object.entries(INGESTED_SERIES)) {
      expect(kind.prom).toMatch(/^[a-z_:][a-z0-9_:]*$/);
      expect(families.get(kind.prom), `${name} and ${families.get(kind.prom)} share ${kind.prom}`).toBe(
        undefined,
      );
      families.set(kind.prom, name);
    }
  });

  it('renders ingested series under their families with node and their labels, and leaves stale ones out', () => {
    const store = new MetricStore();
    const r = ingestSeries(
      {
        at: NOW,
        nodes: [
          {
            node: 'w1',
            samples: [
              ['probe.rtt', { peer: 'w2', quantile: '0.99' }, 0.004],
              ['probe.loss', { peer: 'w2' }, 0.25],
            ],
          },
        ],
      },
      NOW,
    );
    const ids = r.batches.flatMap((b) => store.record(b.node, b.at, b.samples, true));
    store.record('w3', NOW - 11 * 60_000, [{ name: 'net.quality', labels: {}, value: 1 }], true);
    const entries = [...ids.map((id) => store.get(id)!), ...store.list().filter((e) => e.node === 'w3')];
    const text = renderPrometheus([], [], freshIngested(entries, NOW));
    expect(text).toContain('omega_probe_rtt_seconds{node="w1",peer="w2",quantile="0.99"} 0.004');
    expect(text).toContain('omega_probe_loss_ratio{node="w1",peer="w2"} 0.25');
    expect(text).not.toContain('omega_node_network_quality');
    expect(text.match(/# TYPE omega_probe_rtt_seconds /g)).toHaveLength(1);
  });
});
