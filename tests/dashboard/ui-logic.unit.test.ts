import { describe, expect, it } from 'vitest';
import type { JsonReader } from '../../plugins/dashboard/ui/src/api/json-reader.js';
import { readAllPages } from '../../plugins/dashboard/ui/src/api/read-all-pages.js';
import { covers, hasPermission } from '../../plugins/dashboard/ui/src/auth/has-permission.js';
import { appendSample } from '../../plugins/dashboard/ui/src/charts/append-sample.js';
import { type ChartData, chartRows } from '../../plugins/dashboard/ui/src/charts/chart-data.js';
import { MAX_POINTS, queryMinMax } from '../../plugins/dashboard/ui/src/charts/query-metrics.js';
import { RANGES, resolveWindow } from '../../plugins/dashboard/ui/src/charts/time-range.js';
import { toCsv } from '../../plugins/dashboard/ui/src/components/to-csv.js';
import { topicMatches } from '../../plugins/dashboard/ui/src/events/topic-matches.js';
import { groupByState, readNode } from '../../plugins/dashboard/ui/src/tabs/nodes/node-model.js';
import { parseSelector } from '../../plugins/dashboard/ui/src/tabs/sessions/parse-selector.js';
import { readSession } from '../../plugins/dashboard/ui/src/tabs/sessions/session-model.js';

describe('dashboard logic (pure modules of the UI)', () => {
  it('asks for at most one point per pixel (agg=minmax&points=<width>), for every range from 5 min to 30 days', async () => {
    const asked: URLSearchParams[] = [];
    const api = {
      get: async (path: string) => {
        asked.push(new URLSearchParams(path.slice(path.indexOf('?') + 1)));
        return { results: [] };
      },
    } as unknown as JsonReader;
    for (const r of RANGES) {
      for (const width of [120, 360, 517.5, 1200, 2560, 50_000]) {
        await queryMinMax(api, 'cpu.busy', { from: 0, to: r.ms, live: true }, width);
        const q = asked.at(-1);
        expect(q?.get('agg'), `${r.id}@${width}`).toBe('minmax');
        expect(Number(q?.get('points')), `${r.id}@${width}`).toBe(Math.min(MAX_POINTS, Math.floor(width)));
        expect([q?.get('from'), q?.get('to')]).toEqual(['0', String(r.ms)]);
      }
    }
    await queryMinMax(api, 'cpu.busy', { from: 0, to: 60_000, live: false }, 0);
    expect(asked.at(-1)?.get('points')).toBe('2');
  });

  it('reads every page of a cursor-paged list, keeps the last page’s other fields, and stops at maxItems', async () => {
    const all = Array.from({ length: 2500 }, (_, i) => i);
    const asked: string[] = [];
    const api = {
      get: async (path: string) => {
        asked.push(path);
        const q = new URLSearchParams(path.slice(path.indexOf('?') + 1));
        const from = Number(q.get('cursor') ?? 0);
        const to = Math.min(all.length, from + Number(q.get('limit')));
        return {
          items: all.slice(from, to),
          total: all.length,
          ...(to < all.length ? { nextCursor: `${to}` } : {}),
        };
      },
    } as unknown as JsonReader;
    const r = await readAllPages<{ items: number[]; total: number; nextCursor?: string }>(
      api,
      '/resources?x=a b',
    );
    expect(r.items).toEqual(all);
    expect(r.total).toBe(2500);
    expect(r.nextCursor).toBeUndefined();
    expect(asked).toEqual([
      '/resources?x=a b&limit=1000',
      '/resources?x=a b&limit=1000&cursor=1000',
      '/resources?x=a b&limit=1000&cursor=2000',
    ]);
    asked.length = 0;
    const capped = await readAllPages<{ items: number[]; nextCursor?: string }>(
      api,
      '/nodes',
      undefined,
      1500,
    );
    expect(capped.items).toHaveLength(2000); // whole pages: it stops once it has at least maxItems
    expect(asked).toEqual(['/nodes?limit=1000', '/nodes?limit=1000&cursor=1000']);
  });

  it('reads the window from the URL: a zoom (from < to) wins, else the relative range (1 h by default)', () => {
    expect(resolveWindow('6h', '1000', '5000', 10_000)).toEqual({ from: 1000, to: 5000, live: false });
    expect(resolveWindow('6h', '5000', '1000', 100_000_000)).toEqual({
      from: 100_000_000 - 6 * 3_600_000,
      to: 100_000_000,
      live: true,
    });
    expect(resolveWindow('bogus', null, null, 10_000_000)).toEqual({
      from: 10_000_000 - 3_600_000,
      to: 10_000_000,
      live: true,
    });
  });

  it('folds live samples into the last bucket (mean, min, max) and slides the window', () => {
    let d: ChartData = {
      times: [0, 1000],
      unit: 'ratio',
      series: [{ label: 'n1', values: [0.5, 0.2], min: [0.5, 0.2], max: [0.5, 0.2] }],
    };
    let r = appendSample(d, 1500, [0.4], 1000, 2000, 1);
    expect(r.data.times).toEqual([0, 1000]);
    expect(r.data.series[0]?.values[1]).toBeCloseTo(0.3);
    expect([r.data.series[0]?.min?.[1], r.data.series[0]?.max?.[1]]).toEqual([0.2, 0.4]);
    expect(r.n).toBe(2);
    d = r.data;
    r = appendSample(d, 3100, [0.9], 1000, 2000, r.n);
    expect(r.data.times).toEqual([1000, 3000]);
    expect(r.data.series[0]?.values).toEqual([d.series[0]?.values[1], 0.9]);
    expect(r.n).toBe(1);
    // A sample older than the last bucket changes nothing.
    expect(appendSample(r.data, 500, [1], 1000, 2000, 1).data).toBe(r.data);
  });

  it('writes RFC 4180 CSV and defuses spreadsheet formulas', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['=1+1', 'x,"y"'],
          [3, null],
          ['-2', { k: 1 }],
        ],
      ),
    ).toBe('a,b\r\n\'=1+1,"x,""y"""\r\n3,\r\n\'-2,"{""k"":1}"\r\n');
    expect(toCsv(['t'], [[Number.NaN]])).toBe('t\r\n\r\n');
    const rows = chartRows({
      times: [0],
      unit: 'bytes',
      series: [{ label: 'n1', values: [5], min: [1], max: [9] }],
    });
    expect(rows.header).toEqual(['time', 'n1', 'n1 (min)', 'n1 (max)']);
    expect(rows.rows).toEqual([['1970-01-01T00:00:00.000Z', 5, 1, 9]]);
  });

  it('matches topics like the kernel bus and decides permissions like the kernel (deny wins)', () => {
    expect(topicMatches('metrics.alert.*', 'metrics.alert.firing')).toBe(true);
    expect(topicMatches('metrics.alert.*', 'metrics.alert.firing.x')).toBe(false);
    expect(topicMatches('nodes.**', 'nodes.node.down')).toBe(true);
    expect(topicMatches('**', 'a')).toBe(true);
    expect(topicMatches('a.b', 'a')).toBe(false);
    expect(covers('*:read', 'nodes:read')).toBe(true);
    expect(covers('nodes:*', 'nodes:write')).toBe(true);
    expect(covers('nodes:read', 'nodes:write')).toBe(false);
    expect(hasPermission(['*'], ['security:admin'], 'security:admin')).toBe(false);
    expect(hasPermission(['*:read'], [], 'plugins:admin')).toBe(false);
  });

  it('reads node and session objects leniently and groups them by state with reasons', () => {
    const nodes = [
      {
        id: 'n1',
        spec: { name: 'a' },
        status: { state: 'down', reason: 'agent stopped', capacity: { cpuMillis: 4000 } },
      },
      { id: 'n2', status: { state: 'down', reason: 'unreachable' } },
      { id: 'n3', status: { state: 'ready' } },
      'garbage',
    ].map(readNode);
    expect(nodes[0]).toMatchObject({
      id: 'n1',
      name: 'a',
      state: 'down',
      cpuCapacity: 4000,
      memoryCapacity: null,
    });
    expect(nodes[3]).toMatchObject({ id: '', state: 'unknown' });
    expect(groupByState(nodes)).toEqual([
      { state: 'down', count: 2, reasons: ['agent stopped', 'unreachable'] },
      { state: 'ready', count: 1, reasons: [] },
      { state: 'unknown', count: 1, reasons: [] },
    ]);
    expect(
      readSession({
        id: 's1',
        spec: { command: 'sleep', args: ['5'], resources: { cpuMillis: 500 } },
        status: { state: 'running', node: 'n1' },
      }),
    ).toMatchObject({
      id: 's1',
      command: 'sleep 5',
      state: 'running',
      node: 'n1',
      cpuMillis: 500,
    });
    expect(parseSelector(' zone=a, gpu = true ,x=a=b')).toEqual({ zone: 'a', gpu: 'true', x: 'a=b' });
  });
});
