import { describe, expect, it } from 'vitest';
import { type Evidence, judgeEvidence, judgeSilence } from '../src/liveness/judge-liveness.js';
import { DEFAULT_SETTINGS, mergeSettings } from '../src/liveness/liveness-settings.js';
import type { NodeEntry } from '../src/registry/node-record.js';
import { readyNode } from './helpers/ready-node.js';

/*
 * The liveness rules as a table of stories: each applies evidence and sweeps at kernel times
 * and checks the state and reason the judge arrives at (applying transitions as the registry does).
 */

const s = DEFAULT_SETTINGS;
const T0 = Date.parse('2026-01-01T12:00:00Z');

const node = (): NodeEntry => readyNode(1, T0, { remote: '10.203.7.12' });

type Step = { ev: Evidence } | { sweep: number };

function run(e: NodeEntry, steps: Step[]): Array<{ state: string; reason: string }> {
  const seen: Array<{ state: string; reason: string }> = [];
  for (const step of steps) {
    const t = 'ev' in step ? judgeEvidence(e, step.ev, s) : judgeSilence(e, step.sweep, s);
    if (t) {
      e.record.state = t.to;
      e.record.reason = t.reason;
      seen.push({ state: t.to, reason: t.reason });
    }
  }
  return seen;
}

const connected = (at: number, conn = 'c1'): Step => ({
  ev: { type: 'connected', at, conn, remote: '10.203.7.12' },
});
const frame = (at: number): Step => ({ ev: { type: 'frame', at, remote: '10.203.7.12' } });
const closed = (at: number, conn = 'c1', leave = false): Step => ({
  ev: { type: 'closed', at, conn, code: 1006, reason: '', leave },
});
const silent = (at: number, transport: 'acked' | 'unacked' | 'unknown', conn = 'c1'): Step => ({
  ev: { type: 'silent', at, conn, ms: 10_000, transport },
});

describe('liveness judge', () => {
  it('heartbeats on time keep a node ready; bursts up to the suspect bound do not flap', () => {
    const e = node();
    const steps: Step[] = [connected(T0)];
    // A degraded link: heartbeats arrive in bursts with gaps of up to 19 s.
    let t = T0;
    for (const gap of [5_000, 5_000, 17_000, 1, 2, 19_000, 3, 12_600, 5_000]) {
      t += gap;
      steps.push({ sweep: t - 1 }, frame(t));
    }
    expect(run(e, steps)).toEqual([]);
    expect(e.record.state).toBe('ready');
  });

  it('plain silence: suspect at 20 s, down at 40 s with when and where it was last heard', () => {
    const e = node();
    const seen = run(e, [
      connected(T0),
      frame(T0 + 1_000),
      { sweep: T0 + 20_999 },
      { sweep: T0 + 21_000 },
      { sweep: T0 + 41_000 },
    ]);
    expect(seen.map((x) => x.state)).toEqual(['suspect', 'down']);
    expect(seen[0]?.reason).toBe('missed heartbeats: none for 20 s, last from 10.203.7.12 at 12:00:01 UTC');
    expect(seen[1]?.reason).toBe('no heartbeat for 40 s, last from 10.203.7.12 at 12:00:01 UTC');
  });

  it('TCP evidence names the reason: unacknowledged → unreachable, acknowledged → agent hung', () => {
    const cut = node();
    const a = run(cut, [
      connected(T0),
      silent(T0 + 10_000, 'unacked'),
      { sweep: T0 + 20_000 },
      { sweep: T0 + 40_000 },
    ]);
    expect(a[0]?.reason).toContain('link cut?');
    expect(a[1]?.reason).toMatch(
      /^unreachable: no heartbeat for 40 s and the kernel's data to 10\.203\.7\.12 is not acknowledged/,
    );
    const hung = node();
    const b = run(hung, [connected(T0), silent(T0 + 10_000, 'acked'), { sweep: T0 + 40_000 }]);
    expect(b.at(-1)?.reason).toMatch(
      /^agent hung: its machine acknowledges but the agent has not answered for 40 s/,
    );
  });

  it('a close while healthy: suspect at once, down "agent stopped responding" after the grace', () => {
    const e = node();
    const seen = run(e, [
      connected(T0),
      frame(T0 + 5_000),
      closed(T0 + 6_000),
      { sweep: T0 + 15_999 },
      { sweep: T0 + 16_000 },
    ]);
    expect(seen.map((x) => x.state)).toEqual(['suspect', 'down']);
    expect(seen[0]?.reason).toMatch(/^connection closed without leave at 12:00:06 UTC \(code 1006\)/);
    expect(seen[1]?.reason).toBe(
      'agent stopped responding: connection closed without leave at 12:00:06 UTC (code 1006) and no reconnect within 10 s',
    );
  });

  it('a close that arrives after the node was already suspect or down changes nothing (the old socket after a heal)', () => {
    const e = node();
    const seen = run(e, [
      connected(T0),
      silent(T0 + 10_000, 'unacked'),
      { sweep: T0 + 20_000 },
      { sweep: T0 + 40_000 },
      closed(T0 + 60_000),
      { sweep: T0 + 90_000 },
    ]);
    expect(seen.map((x) => x.state)).toEqual(['suspect', 'down']);
    expect(e.record.reason).toMatch(/^unreachable:/);
  });

  it('a close while silence was reported is not "agent stopped" either', () => {
    const e = node();
    expect(run(e, [connected(T0), silent(T0 + 10_000, 'unacked'), closed(T0 + 11_000)])).toEqual([]);
  });

  it('a close of an old session (the agent already reconnected) is ignored', () => {
    const e = node();
    expect(
      run(e, [
        connected(T0, 'old'),
        connected(T0 + 1_000, 'new'),
        closed(T0 + 2_000, 'old'),
        { sweep: T0 + 20_000 },
      ]),
    ).toEqual([]);
    expect(e.live.conn).toBe('new');
  });

  it('a reconnect during the grace brings it back; a frame after down brings it back', () => {
    const e = node();
    const seen = run(e, [
      connected(T0),
      closed(T0 + 1_000),
      connected(T0 + 3_000, 'c2'),
      { sweep: T0 + 20_000 },
    ]);
    expect(seen.map((x) => x.state)).toEqual(['suspect', 'ready']);
    expect(seen[1]?.reason).toBe('connected from 10.203.7.12');
    const d = node();
    const back = run(d, [connected(T0), { sweep: T0 + 45_000 }, frame(T0 + 50_000)]);
    expect(back.map((x) => x.state)).toEqual(['down', 'ready']);
    expect(back[1]?.reason).toBe('heartbeats resumed from 10.203.7.12 after 50 s of silence');
  });

  it('leave → left, and its close is not a failure', () => {
    const e = node();
    const seen = run(e, [
      connected(T0),
      { ev: { type: 'leave', at: T0 + 1_000, reason: 'SIGTERM' } },
      closed(T0 + 1_001, 'c1', true),
      { sweep: T0 + 100_000 },
    ]);
    expect(seen).toEqual([{ state: 'left', reason: 'left: SIGTERM' }]);
  });

  it('silence is counted from the grace start when later (kernel restart)', () => {
    const e = node();
    e.live.graceFrom = T0 + 3_600_000;
    const first = run(e, [{ sweep: T0 + 3_600_000 + 19_000 }, { sweep: T0 + 3_600_000 + 20_000 }]);
    expect(first).toEqual([
      {
        state: 'suspect',
        reason: 'missed heartbeats: none for 60 min, last from 10.203.7.12 at 12:00:00 UTC',
      },
    ]);
    const seen = run(e, [{ sweep: T0 + 3_600_000 + 40_000 }]);
    expect(seen[0]?.state).toBe('down');
    expect(seen[0]?.reason).toBe('no heartbeat for 61 min, last from 10.203.7.12 at 12:00:00 UTC');
  });
});

describe('liveness settings', () => {
  it('merges, bounds and relates the fields', () => {
    const ok = mergeSettings(DEFAULT_SETTINGS, { suspectAfterMs: 3_000, downAfterMs: 6_000 });
    expect('settings' in ok && ok.settings.downAfterMs).toBe(6_000);
    const bad = mergeSettings(DEFAULT_SETTINGS, {
      suspectAfterMs: 30_000,
      downAfterMs: 20_000,
      nope: 1,
      historyMax: 0.5,
    });
    expect('errors' in bad && bad.errors.map((e) => e.field).sort()).toEqual(['historyMax', 'nope']);
    const order = mergeSettings(DEFAULT_SETTINGS, { suspectAfterMs: 30_000, downAfterMs: 20_000 });
    expect('errors' in order && order.errors[0]?.field).toBe('downAfterMs');
  });
});
