import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../tests/helpers/seeded-random.js';
import { DeadlineWheel } from '../src/liveness/deadline-wheel.js';
import { type Evidence, judgeEvidence, judgeSilence, nextJudgement } from '../src/liveness/judge-liveness.js';
import { DEFAULT_SETTINGS } from '../src/liveness/liveness-settings.js';
import type { NodeEntry } from '../src/registry/node-record.js';
import { readyNode } from './helpers/ready-node.js';

const T0 = Date.parse('2026-01-01T12:00:00Z');

const node = (i: number): NodeEntry => readyNode(i, T0, { conn: `c${i}-0` });

/** Per node and second, what its agent does: mostly heartbeats, some silences, cuts and returns. */
function story(seed: number, nodes: number, seconds: number): Array<Array<{ i: number; ev: Evidence }>> {
  const rnd = seededRandom(seed);
  const gen = Array.from({ length: nodes }, () => 0);
  const quietUntil = Array.from({ length: nodes }, () => 0);
  const out: Array<Array<{ i: number; ev: Evidence }>> = [];
  for (let sec = 1; sec <= seconds; sec++) {
    const evs: Array<{ i: number; ev: Evidence }> = [];
    for (let i = 0; i < nodes; i++) {
      const at = T0 + sec * 1000 + Math.floor(rnd() * 1000);
      if (sec < (quietUntil[i] ?? 0)) continue;
      const r = rnd();
      const conn = `c${i}-${gen[i]}`;
      if (r < 0.01)
        quietUntil[i] = sec + 5 + Math.floor(rnd() * 60); // hangs 5–65 s
      else if (r < 0.015) {
        evs.push({ i, ev: { type: 'closed', at, conn, code: 1006, reason: '', leave: false } });
        quietUntil[i] = sec + Math.floor(rnd() * 20);
        gen[i] = (gen[i] ?? 0) + 1;
      } else if (r < 0.02) evs.push({ i, ev: { type: 'connected', at, conn: `c${i}-${gen[i]}` } });
      else if (r < 0.022) evs.push({ i, ev: { type: 'silent', at, conn, ms: 10_000, transport: 'acked' } });
      else if (r < 0.6) evs.push({ i, ev: { type: 'frame', at } });
    }
    out.push(evs.sort((a, b) => a.ev.at - b.ev.at));
  }
  return out;
}

type Seen = Array<{ node: string; to: string; at: number; reason: string }>;

/** The old sweep: every node judged each second. */
function everyNode(steps: ReturnType<typeof story>, nodes: number): { seen: Seen; visits: number } {
  const s = DEFAULT_SETTINGS;
  const all = Array.from({ length: nodes }, (_, i) => node(i));
  const seen: Seen = [];
  let visits = 0;
  const apply = (e: NodeEntry, t: ReturnType<typeof judgeSilence>) => {
    if (!t) return;
    e.record.state = t.to;
    seen.push({ node: e.record.id, to: t.to, at: t.at, reason: t.reason });
  };
  steps.forEach((evs, k) => {
    for (const { i, ev } of evs) {
      const e = all[i] as NodeEntry;
      if (ev.type === 'closed') apply(e, judgeSilence(e, ev.at, s));
      apply(e, judgeEvidence(e, ev, s));
    }
    const now = T0 + (k + 2) * 1000;
    for (const e of all) {
      visits++;
      apply(e, judgeSilence(e, now, s));
    }
  });
  return { seen, visits };
}

/** The wheel: a node is judged when its deadline passed; rescheduled after a transition or a close. */
function withWheel(steps: ReturnType<typeof story>, nodes: number): { seen: Seen; visits: number } {
  const s = DEFAULT_SETTINGS;
  const all = Array.from({ length: nodes }, (_, i) => node(i));
  const wheel = new DeadlineWheel<NodeEntry>(1000, T0);
  for (const e of all) wheel.schedule(e, nextJudgement(e, s));
  const seen: Seen = [];
  let visits = 0;
  const apply = (e: NodeEntry, t: ReturnType<typeof judgeSilence>) => {
    if (!t) return false;
    e.record.state = t.to;
    seen.push({ node: e.record.id, to: t.to, at: t.at, reason: t.reason });
    wheel.schedule(e, nextJudgement(e, s));
    return true;
  };
  steps.forEach((evs, k) => {
    for (const { i, ev } of evs) {
      const e = all[i] as NodeEntry;
      if (ev.type === 'closed') apply(e, judgeSilence(e, ev.at, s));
      if (!apply(e, judgeEvidence(e, ev, s)) && ev.type === 'closed') wheel.schedule(e, nextJudgement(e, s));
    }
    const now = T0 + (k + 2) * 1000;
    for (const e of wheel.take(now)) {
      visits++;
      if (!apply(e, judgeSilence(e, now, s))) wheel.schedule(e, nextJudgement(e, s));
    }
  });
  return { seen, visits };
}

describe('DeadlineWheel', () => {
  it('answers only the items whose deadline tick passed, earliest first, and moves or drops an item', () => {
    const w = new DeadlineWheel<string>(1000, 10_000);
    w.schedule('a', 12_500);
    w.schedule('b', 11_200);
    w.schedule('c', 15_000);
    w.schedule('d', 13_000);
    w.schedule('d', undefined);
    w.schedule('c', 20_000);
    expect(w.size).toBe(3);
    expect(w.take(11_999)).toEqual(['b']);
    expect(w.take(11_999)).toEqual([]);
    expect(w.take(19_000)).toEqual(['a']);
    expect(w.deadlineOf('c')).toBe(20_000);
    // A deadline already passed is due at the next take; nothing is put back before it.
    w.schedule('late', 1_000);
    expect(w.take(20_000)).toEqual(['c', 'late']);
    expect(w.size).toBe(0);
  });

  it('items taken but put back at the same time are due at the next tick, not again in this one (a sweep slice)', () => {
    const w = new DeadlineWheel<number>(1000, 0);
    for (let i = 0; i < 10; i++) w.schedule(i, 5_000);
    const due = w.take(5_500);
    expect(due).toHaveLength(10);
    for (const i of due.slice(4)) w.schedule(i, 5_500);
    expect(w.take(5_900)).toEqual([]);
    expect(w.take(6_000)).toEqual([4, 5, 6, 7, 8, 9]);
  });

  it('takes everything due across a long gap without walking every tick', () => {
    const w = new DeadlineWheel<number>(1000, 0);
    for (let i = 0; i < 100; i++) w.schedule(i, i * 3_600_000);
    expect(w.take(50 * 3_600_000)).toEqual(Array.from({ length: 51 }, (_, i) => i));
    expect(w.size).toBe(49);
  });

  it.each([1, 2, 3, 4])('judges exactly as a sweep of every node each second (story %i)', (seed) => {
    const nodes = 300;
    const steps = story(seed, nodes, 240);
    const a = everyNode(steps, nodes);
    const b = withWheel(steps, nodes);
    expect(a.seen.length).toBeGreaterThan(20);
    expect(new Set(a.seen.map((x) => x.to))).toEqual(new Set(['suspect', 'down', 'ready']));
    // Within one sweep the wheel visits nodes in deadline order, the old sweep in node order.
    const order = (x: Seen) =>
      [...x].sort((p, q) => p.at - q.at || (p.node < q.node ? -1 : p.node > q.node ? 1 : 0));
    expect(order(b.seen)).toEqual(order(a.seen));
    // The point of it: far fewer visits than nodes × seconds.
    expect(b.visits * 5).toBeLessThan(a.visits);
  });
});
