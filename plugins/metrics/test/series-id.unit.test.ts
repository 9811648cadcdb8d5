import { describe, expect, it } from 'vitest';
import { matchesSelector, parseSeriesId, seriesId } from '../src/series/series-id.js';
import { MetricStore } from '../src/store/metric-store.js';

describe('series ids', () => {
  it('puts node first, sorts the other labels and round-trips escapes', () => {
    const id = seriesId('fs.avail', { mount: '/mnt/"odd"\\dir\nx', node: 'n1', a: 'b' });
    expect(id).toBe('fs.avail{node="n1",a="b",mount="/mnt/\\"odd\\"\\\\dir\\nx"}');
    expect(parseSeriesId(id)).toEqual({
      name: 'fs.avail',
      labels: { node: 'n1', a: 'b', mount: '/mnt/"odd"\\dir\nx' },
    });
  });

  it('rejects text that is not a series id', () => {
    for (const bad of ['', '9abc', 'a{', 'a{x=1}', 'a{x="1"', 'a{x="1",x="2"}', 'a{x="1"y="2"}', 'a b'])
      expect(parseSeriesId(bad), bad).toBeNull();
    expect(parseSeriesId('cpu.busy')).toEqual({ name: 'cpu.busy', labels: {} });
  });

  it('selects by name and the selector labels only', () => {
    const sel = { name: 'cpu.busy', labels: { cpu: 'total' } };
    expect(matchesSelector(sel, 'cpu.busy', { node: 'a', cpu: 'total' })).toBe(true);
    expect(matchesSelector(sel, 'cpu.busy', { node: 'a', cpu: '0' })).toBe(false);
    expect(matchesSelector(sel, 'cpu.user', { node: 'a', cpu: 'total' })).toBe(false);
  });

  it('keys every series by node and keeps per-node dictionaries in first-seen order', () => {
    const s = new MetricStore(3);
    s.record('a', 1000, [
      { name: 'load.1', labels: {}, value: 1 },
      { name: 'cpu.busy', labels: { cpu: 'total' }, value: 0.5 },
    ]);
    s.record('b', 1000, [{ name: 'load.1', labels: {}, value: 2 }]);
    s.record('b', 2000, [{ name: 'load.5', labels: {}, value: 2 }]);
    expect(s.dictionary('a')).toEqual(['load.1{node="a"}', 'cpu.busy{node="a",cpu="total"}']);
    expect(s.dictionary('b')).toEqual(['load.1{node="b"}']);
    expect(s.dropped).toBe(1);
    expect(s.select({ name: 'load.1', labels: {} }).map((e) => e.node)).toEqual(['a', 'b']);
  });
});
