import { describe, expect, it } from 'vitest';
import { judgeLink } from '../src/network/judge-link.js';
import { type ProbeTarget, planProbes } from '../src/network/plan-probes.js';
import { readProbe } from '../src/reports/read-probe.js';
import { readSummary } from '../src/reports/read-summary.js';
import { DEFAULT_SETTINGS } from '../src/settings/settings.js';

/* The plugin's pure parts: who probes whom at what cost, how a link is judged, and hostile reports. */

const KEY = { key: 'k'.repeat(43), keyId: 1 };
const targets = (n: number): ProbeTarget[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `n${String(i).padStart(3, '0')}`,
    name: `node-${i}`,
    address: `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`,
    port: 7799,
  }));

describe('probe plans', () => {
  it('a small cluster is a full mesh; nobody probes itself', () => {
    const t = targets(5);
    const plans = planProbes(t, t, DEFAULT_SETTINGS.probe, KEY, 0);
    expect(plans.size).toBe(5);
    for (const [id, p] of plans) {
      expect(p.peers.map((x) => x.node).sort()).toEqual(t.map((x) => x.id).filter((x) => x !== id));
      expect(p.kernel).toEqual({ everyRounds: 1, count: DEFAULT_SETTINGS.probe.kernelConnects });
    }
  });

  it('a large cluster: peersPerNode each, every pair measured within (n − 1) / peersPerNode windows', () => {
    const s = DEFAULT_SETTINGS.probe;
    const t = targets(30);
    const seen = new Set<string>();
    const windows = Math.ceil((t.length - 1) / s.peersPerNode);
    for (let epoch = 0; epoch < windows; epoch++) {
      for (const [id, p] of planProbes(t, t, s, KEY, epoch)) {
        expect(p.peers).toHaveLength(s.peersPerNode);
        expect(p.peers.some((x) => x.node === id)).toBe(false);
        for (const x of p.peers) seen.add(`${id}>${x.node}`);
      }
    }
    expect(seen.size).toBe(t.length * (t.length - 1));
  });

  it('the kernel and the report stream stay within their cluster-wide budgets at 2,000 nodes', () => {
    const s = DEFAULT_SETTINGS.probe;
    const t = targets(2000);
    const plans = planProbes(t, t, s, KEY, 0);
    const p = plans.get('n000')!;
    const handshakesPerSecond = (t.length * p.kernel.count) / ((p.kernel.everyRounds * s.intervalMs) / 1000);
    expect(handshakesPerSecond).toBeLessThanOrEqual(s.kernelConnectsPerSecond);
    const reportBytesPerSecond =
      (t.length * (400 + 260 * p.peers.length)) / ((p.reportEveryRounds * s.intervalMs) / 1000);
    expect(reportBytesPerSecond).toBeLessThanOrEqual(s.reportBytesPerSecond);
    // The window is at least as long as the gap between reports, so no sample goes unreported.
    expect(p.windowMs).toBeGreaterThanOrEqual(p.reportEveryRounds * s.intervalMs);
  });
});

describe('judging a link', () => {
  const t = DEFAULT_SETTINGS.thresholds;
  const now = Date.parse('2026-12-05T06:00:00Z');
  const ctx = { at: now, receivedAt: now, now, intervalMs: 10_000, staleAfterMs: 30_000, timeoutMs: 2_000 };
  const rtt = (p50: number) => ({ min: p50, p50, p99: p50, max: p50, mean: p50 });

  it('ok, degraded, bad, unreachable and stale, each with the figure that decided', () => {
    const ok = judgeLink({ sent: 50, received: 50, loss: 0, rttMs: rtt(0.4), lastReplyAt: now }, ctx, t);
    expect(ok.status).toBe('ok');
    const slow = judgeLink({ sent: 50, received: 50, loss: 0, rttMs: rtt(80), lastReplyAt: now }, ctx, t);
    expect(slow).toEqual({ status: 'degraded', reason: expect.stringContaining('RTT p50 80 ms') });
    const lossy = judgeLink({ sent: 50, received: 40, loss: 0.2, rttMs: rtt(1), lastReplyAt: now }, ctx, t);
    expect(lossy).toEqual({ status: 'bad', reason: 'loss 20 %' });
    const dead = judgeLink({ sent: 50, received: 0, loss: 1, lastError: 'EHOSTUNREACH' }, ctx, t);
    expect(dead).toEqual({ status: 'unreachable', reason: 'no answer to 50 probes (EHOSTUNREACH)' });
    // A link cut a moment ago: earlier answers still in the window, none for more than two rounds.
    const cut = judgeLink(
      { sent: 50, received: 30, loss: 0.4, rttMs: rtt(1), lastReplyAt: now - 25_000 },
      ctx,
      t,
    );
    expect(cut.status).toBe('unreachable');
    const old = judgeLink({ sent: 50, received: 50, loss: 0 }, { ...ctx, receivedAt: now - 31_000 }, t);
    expect(old.status).toBe('stale');
  });
});

describe('hostile reports', () => {
  it('anything that is not a report of the known version is refused, not half-read', () => {
    for (const bad of [
      null,
      'x',
      42,
      [],
      { v: 2, at: 1 },
      { v: 1 },
      { v: 1, at: 'now' },
      { v: 1, at: Number.NaN },
    ]) {
      expect(readSummary(bad)).toBeUndefined();
      expect(readProbe(bad)).toBeUndefined();
    }
  });

  it('a probe report keeps only well-formed peers; prototype keys never reach the plugin', () => {
    const r = readProbe(
      JSON.parse(
        JSON.stringify({
          v: 1,
          at: 1,
          plan: null,
          intervalMs: 1000,
          windowMs: 5000,
          listen: { address: '10.0.0.1', port: 7799 },
          peers: [
            { node: 'n1', address: '10.0.0.2', port: 7799, sent: 5, received: 5, loss: 0 },
            { node: 42, address: '10.0.0.3', port: 7799, sent: 5, received: 5 },
            'junk',
          ],
          responder: { answered: 1, rejected: 0, limited: 0 },
        }).replace('"plan":null', '"plan":null,"__proto__":{"polluted":true}'),
      ),
    );
    expect(r).toBeDefined();
    expect(r!.peers.map((p) => p.node)).toEqual(['n1']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
