import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../kernel/log/index.js';
import type { Storage } from '../../kernel/storage/index.js';
import { AlertEngine } from '../../plugins/metrics/src/alerts/alert-engine.js';
import { parseRuleSpec } from '../../plugins/metrics/src/alerts/alert-rule.js';
import { ACK_GRACE_MS, AlertSilencing } from '../../plugins/metrics/src/alerts/alert-silencing.js';
import { parseSilence, type Silence } from '../../plugins/metrics/src/alerts/silence.js';
import type { PluginStorage } from '../../plugins/metrics/src/persist/plugin-storage.js';
import { MetricStore } from '../../plugins/metrics/src/store/metric-store.js';
import { removeDir } from '../helpers/temp-kernel.js';
import { metricsStorageAt } from './metrics-storage.js';

const T0 = Date.UTC(2025, 0, 1, 10, 0, 0);
const ALICE = { id: 'u-alice', name: 'alice' };
const logger = createLogger({ level: 'silent' });
const dirs: string[] = [];
const opened: Storage[] = [];

const storageAt = (dir: string): Promise<PluginStorage> => metricsStorageAt(dir, logger, opened);

function silence(input: Record<string, unknown>, now = T0): Silence {
  const r = parseSilence(input, now, ALICE);
  if (!('silence' in r)) throw new Error(`${r.field}: ${r.message}`);
  return r.silence;
}

/** A rule engine with one rule over `load.1` of nodes a and b, on real storage, with a settable clock. */
async function rig(dir: string) {
  const clock = { now: T0 };
  const published: Array<{ topic: string; data: unknown }> = [];
  const store = new MetricStore();
  const engine = new AlertEngine(5_000);
  const rule = parseRuleSpec({ series: 'load.1', comparator: '>', threshold: 1, labels: { team: 'hpc' } });
  if (!('spec' in rule)) throw new Error(rule.message);
  engine.setRule({ id: 'busy', spec: rule.spec }, T0);
  const silencing = new AlertSilencing(await storageAt(dir), engine, {
    publish: (topic, data) => published.push({ topic, data }),
    now: () => clock.now,
  });
  await silencing.load();
  const tick = (seconds: number, a: number, b: number) => {
    clock.now = T0 + seconds * 1000;
    store.record('a', clock.now, [{ name: 'load.1', labels: {}, value: a }]);
    store.record('b', clock.now, [{ name: 'load.1', labels: {}, value: b }]);
    return engine.evaluate(store, clock.now);
  };
  return { clock, published, engine, silencing, tick };
}

afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  for (const d of dirs.splice(0)) removeDir(d);
});

describe('silences: validation', () => {
  it('names the field at fault', () => {
    const ok = { rule: 'busy', reason: 'maintenance', for: '2h' };
    expect(silence(ok)).toMatchObject({ matchers: { rule: 'busy' }, endsAt: T0 + 7_200_000 });
    expect(
      silence({ labels: { node: 'a' }, reason: 'x', until: new Date(T0 + 60_000).toISOString() }),
    ).toMatchObject({ matchers: { labels: { node: 'a' } }, endsAt: T0 + 60_000 });
    expect(silence({ ...ok, for: undefined, until: '2025-01-01T12:00:00+01:00' })).toMatchObject({
      endsAt: T0 + 3_600_000,
    });
    const bad: Array<[unknown, string]> = [
      [[], 'body'],
      [{ reason: 'x', for: '1h' }, 'rule'],
      [{ ...ok, rule: 'Not A Rule' }, 'rule'],
      [{ ...ok, labels: { 'a-b': 'x' } }, 'labels.a-b'],
      [{ ...ok, labels: { a: 1 } }, 'labels.a'],
      [{ ...ok, reason: '   ' }, 'reason'],
      [{ ...ok, reason: 'x'.repeat(501) }, 'reason'],
      [{ rule: 'busy', reason: 'x' }, 'for'],
      [{ ...ok, until: T0 + 1 }, 'for'],
      [{ ...ok, for: 'soon' }, 'for'],
      [{ ...ok, for: '31d' }, 'for'],
      [{ rule: 'busy', reason: 'x', until: T0 - 1 }, 'until'],
      // A time without a zone would be read in the server's time zone: refused.
      [{ rule: 'busy', reason: 'x', until: '2025-01-01T12:00:00' }, 'until'],
    ];
    for (const [input, field] of bad) expect(parseSilence(input, T0, ALICE)).toMatchObject({ field });
  });
});

describe('acknowledgements and silences over real storage', () => {
  it('silences matching transitions, shows who/why/until, acks last until resolved, expiry is noted once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omega-silencing-'));
    dirs.push(dir);
    const r = await rig(dir);
    const quiet = await r.silencing.silence(
      silence({ labels: { node: 'b' }, reason: 'b is being rebuilt', for: '10s' }),
      {
        ...ALICE,
        source: '127.0.0.1',
      },
    );
    const fired = r.tick(0, 3, 3);
    expect(fired.map((e) => e.node).sort()).toEqual(['a', 'b']);
    const suppressed = fired.map((e) => [e.node, r.silencing.onTransition(e)]);
    expect(Object.fromEntries(suppressed)).toEqual({ a: false, b: true });
    expect(fired.find((e) => e.node === 'b')?.silencedBy).toEqual([quiet.id]);
    expect(fired.find((e) => e.node === 'a')?.silencedBy).toBeUndefined();

    const [a, b] = ['a', 'b'].map((n) => r.engine.activeAlerts().find((x) => x.node === n)!);
    expect(r.silencing.view(b!).silenced).toEqual({
      until: T0 + 10_000,
      silences: [{ id: quiet.id, reason: 'b is being rebuilt', by: ALICE, until: T0 + 10_000 }],
    });
    expect(await r.silencing.acknowledge('0000000000000000', 'x', ALICE)).toBeUndefined();
    await r.silencing.acknowledge(a!.id, 'looking at it', ALICE);
    expect(r.silencing.view(a!).acknowledged).toEqual({ by: ALICE, reason: 'looking at it', at: T0 });
    expect(r.published.map((p) => p.topic)).toEqual([
      'metrics.silence.created',
      'audit.metrics.silence.create',
      'metrics.alert.acknowledged',
      'audit.metrics.alert.ack',
    ]);
    expect(r.published[1]?.data).toMatchObject({ actor: 'u-alice', target: quiet.id, source: '127.0.0.1' });

    // The silence runs out on its own: noted once, then no more.
    r.published.length = 0;
    r.tick(11, 3, 3);
    await r.silencing.tick(r.clock.now);
    await r.silencing.tick(r.clock.now + 1_000);
    expect(r.published.map((p) => p.topic)).toEqual([
      'metrics.silence.expired',
      'audit.metrics.silence.expire',
    ]);
    expect(r.published[0]?.data).toMatchObject({ id: quiet.id, early: false, status: { state: 'expired' } });
    expect(r.silencing.view(b!).silenced).toBeUndefined();

    // Node a recovers: its acknowledgement goes with it.
    const resolved = r.tick(12, 0, 3);
    expect(resolved).toMatchObject([{ state: 'resolved', node: 'a', id: a!.id }]);
    r.silencing.onTransition(resolved[0]!);
    expect(r.silencing.acks.get(a!.id)).toBeUndefined();
  });

  it('keeps silences and acknowledgements across a restart; an early expiry and a gone alert are handled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omega-silencing-'));
    dirs.push(dir);
    const first = await rig(dir);
    first.tick(0, 3, 3);
    const [a, b] = ['a', 'b'].map((n) => first.engine.activeAlerts().find((x) => x.node === n)!);
    const long = await first.silencing.silence(silence({ rule: 'busy', reason: 'known', for: '1h' }), ALICE);
    const short = await first.silencing.silence(silence({ rule: 'busy', reason: 'brief', for: '5s' }), ALICE);
    await first.silencing.acknowledge(a!.id, 'on it', ALICE);
    await first.silencing.acknowledge(b!.id, 'on it too', ALICE);
    for (const s of opened.splice(0)) await s.close();

    // The kernel was down while `short` ran out: the restarted plugin notes it once.
    const second = await rig(dir);
    second.tick(20, 3, 0);
    expect(second.silencing.silences.list(second.clock.now, 'active').map((s) => s.id)).toEqual([long.id]);
    await second.silencing.tick(second.clock.now);
    expect(
      second.published
        .filter((p) => p.topic === 'metrics.silence.expired')
        .map((p) => (p.data as { id: string }).id),
    ).toEqual([short.id]);
    const back = second.engine.activeAlerts().find((x) => x.node === 'a')!;
    expect(back.id).toBe(a!.id);
    expect(second.silencing.view(back)).toMatchObject({
      acknowledged: { reason: 'on it' },
      silenced: { until: T0 + 3_600_000 },
    });
    const expired = await second.silencing.expire(long.id, ALICE);
    expect(expired.value).toMatchObject({ endsAt: second.clock.now, expiredBy: ALICE });
    expect(second.silencing.view(back).silenced).toBeUndefined();
    // Node b did not come back: its acknowledgement is dropped once the grace has passed.
    await second.silencing.tick(second.clock.now + 1_000);
    expect(second.silencing.acks.get(b!.id)).toBeDefined();
    second.tick(20 + ACK_GRACE_MS / 1000 + 1, 3, 0);
    await second.silencing.tick(second.clock.now);
    expect(second.silencing.acks.get(b!.id)).toBeUndefined();
    expect(second.silencing.acks.get(a!.id)).toBeDefined();
  });
});
