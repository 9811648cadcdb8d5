import { describe, expect, it } from 'vitest';
import { AlertEngine } from '../src/alerts/alert-engine.js';
import { parseRuleSpec } from '../src/alerts/alert-rule.js';
import { MetricStore } from '../src/store/metric-store.js';

const T0 = Date.UTC(2025, 0, 1, 10, 0, 0);

function spec(input: Record<string, unknown>) {
  const r = parseRuleSpec(input);
  if (!('spec' in r)) throw new Error(`${r.field}: ${r.message}`);
  return r.spec;
}

describe('alert rules', () => {
  it('validates every field and names the bad one', () => {
    const ok = { series: 'cpu.busy{cpu="total"}', comparator: '>', threshold: 0.9, for: '1m' };
    expect(spec(ok)).toMatchObject({ forMs: 60_000, severity: 'warning', labels: {} });
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ ...ok, series: 'cpu busy' }, 'series'],
      [{ ...ok, comparator: '=>' }, 'comparator'],
      [{ ...ok, threshold: '0.9' }, 'threshold'],
      [{ ...ok, for: '2d' }, 'for'],
      [{ ...ok, severity: 'page' }, 'severity'],
      [{ ...ok, labels: { 'team-x': 'a' } }, 'labels.team-x'],
      [{ ...ok, webhook: 'ftp://x' }, 'webhook'],
    ];
    for (const [input, field] of bad) expect(parseRuleSpec(input)).toMatchObject({ field });
  });

  it('goes pending, fires after `for`, resolves, per matching series and node', () => {
    const store = new MetricStore();
    const engine = new AlertEngine();
    engine.setRule(
      {
        id: 'hot',
        spec: spec({
          series: 'cpu.busy{cpu="total"}',
          comparator: '>=',
          threshold: 0.9,
          for: '2s',
          labels: { team: 'hpc' },
        }),
      },
      T0,
    );
    const tick = (s: number, a: number, b: number) => {
      const at = T0 + s * 1000;
      store.record('a', at, [
        { name: 'cpu.busy', labels: { cpu: 'total' }, value: a },
        { name: 'cpu.busy', labels: { cpu: '0' }, value: 1 },
      ]);
      store.record('b', at, [{ name: 'cpu.busy', labels: { cpu: 'total' }, value: b }]);
      return engine.evaluate(store, at);
    };
    expect(tick(0, 0.95, 0.1)).toEqual([]);
    expect(engine.activeAlerts()).toMatchObject([{ node: 'a', state: 'pending' }]);
    expect(tick(1, 0.95, 0.1)).toEqual([]);
    const fired = tick(2, 0.97, 0.1);
    expect(fired).toMatchObject([
      {
        state: 'firing',
        rule: 'hot',
        node: 'a',
        value: 0.97,
        severity: 'warning',
        startsAt: T0,
        labels: { node: 'a', cpu: 'total', team: 'hpc' },
      },
    ]);
    expect(tick(3, 0.99, 0.1)).toEqual([]);
    expect(tick(4, 0.5, 0.1)).toMatchObject([
      { state: 'resolved', node: 'a', value: 0.5, endsAt: T0 + 4000 },
    ]);
    expect(engine.activeAlerts()).toEqual([]);
    // A blip shorter than `for` never fires.
    expect(tick(5, 0.95, 0.1)).toEqual([]);
    expect(tick(6, 0.2, 0.1)).toEqual([]);
  });

  it('resolves when the series goes stale and when the rule is removed', () => {
    const store = new MetricStore();
    const engine = new AlertEngine(5_000);
    engine.setRule({ id: 'r', spec: spec({ series: 'load.1', comparator: '>', threshold: 1 }) }, T0);
    store.record('a', T0, [{ name: 'load.1', labels: {}, value: 3 }]);
    expect(engine.evaluate(store, T0)).toMatchObject([{ state: 'firing' }]);
    expect(engine.evaluate(store, T0 + 6_000)).toMatchObject([{ state: 'resolved', value: null }]);
    store.record('a', T0 + 7_000, [{ name: 'load.1', labels: {}, value: 3 }]);
    expect(engine.evaluate(store, T0 + 7_000)).toMatchObject([{ state: 'firing' }]);
    expect(engine.removeRule('r', T0 + 8_000)).toMatchObject([{ state: 'resolved', rule: 'r' }]);
    expect(engine.evaluate(store, T0 + 8_000)).toEqual([]);
  });
});
