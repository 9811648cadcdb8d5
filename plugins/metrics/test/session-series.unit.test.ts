import { describe, expect, it } from 'vitest';
import { rangeQuery } from '../src/query/range-query.js';
import { MAX_SESSIONS, SESSION_RETENTION_MS, SessionSeriesStore } from '../src/sessions/session-series.js';

const FIELDS = [
  'session',
  'node',
  'owner',
  'cpuUserSec',
  'cpuSystemSec',
  'throttledSec',
  'memoryCurrentBytes',
  'memoryPeakBytes',
  'pidsCurrent',
];

const batch = (at: number, rows: unknown[][]) => ({ at, fields: FIELDS, rows });

describe('session usage series', () => {
  it('records CPU as a rate in cores, memory as bytes, keyed by session and node', () => {
    const s = new SessionSeriesStore();
    const t0 = 1_700_000_000_000;
    for (let i = 0; i <= 10; i++)
      s.ingest(batch(t0 + i * 1000, [['s-a', 'h1', 'alice', i * 0.5, i * 0.25, i * 0.1, 1000 + i, 2000]]));
    const [cores] = s.select({ name: 'session.cpu_cores', labels: { session: 's-a' } });
    expect(cores?.labels).toEqual({ session: 's-a', node: 'h1' });
    expect(cores?.id).toBe('session.cpu_cores{node="h1",session="s-a"}');
    expect(cores?.history.lastValue).toBeCloseTo(0.75); // 0.5 + 0.25 CPU-seconds per second
    const [thr] = s.select({ name: 'session.cpu_throttled_ratio', labels: { session: 's-a' } });
    expect(thr?.history.lastValue).toBeCloseTo(0.1);
    const [mem] = s.select({ name: 'session.memory_bytes', labels: {} });
    expect(mem?.history.lastValue).toBe(1010);
    const q = rangeQuery(cores!.history, { from: t0, to: t0 + 10_000, step: 5_000, agg: 'avg' }, t0 + 10_000);
    expect(q.tier).toBe('5s');
    expect(q.points.filter(([, v]) => v !== null).length).toBeGreaterThan(0);
    expect(s.list({ session: 's-a' })).toHaveLength(5);
  });

  it('keeps memory bounded: silent sessions are dropped after the retention, and the store is capped', () => {
    const s = new SessionSeriesStore();
    const t0 = 1_700_000_000_000;
    s.ingest(batch(t0, [['s-old', 'h1', 'a', 1, 1, null, 1, 1]]));
    s.sweep(t0 + SESSION_RETENTION_MS - 1);
    expect(s.size).toBe(1);
    s.sweep(t0 + SESSION_RETENTION_MS + 1);
    expect(s.size).toBe(0);

    const rows = Array.from({ length: MAX_SESSIONS + 5 }, (_, i) => [`s-${i}`, 'h1', 'a', 1, 1, null, 1, 1]);
    s.ingest(batch(t0, rows));
    expect(s.size).toBe(MAX_SESSIONS); // all live: the newest are refused, never the ones followed
    expect(s.dropped).toBe(5);
    // A minute later the first sessions have gone silent: new ones take their place.
    s.ingest(batch(t0 + 60_000, [['s-new', 'h2', 'a', 1, 1, null, 1, 1]]));
    expect(s.size).toBe(MAX_SESSIONS);
    expect(s.list({ session: 's-new' })).toHaveLength(5);
  });

  it('ignores malformed rows and batches', () => {
    const s = new SessionSeriesStore();
    expect(s.ingest(null)).toBe(0);
    expect(s.ingest({ at: 'x', fields: FIELDS, rows: [] })).toBe(0);
    expect(
      s.ingest(batch(1, [['../etc', 'h1'], ['s-ok', 'bad node!'], 'nope' as unknown as unknown[]])),
    ).toBe(0);
    expect(s.size).toBe(0);
  });
});
