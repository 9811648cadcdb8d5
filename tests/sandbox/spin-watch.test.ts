import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callRoute, createSandbox, type PluginInstance, type Sandbox } from '../../kernel/sandbox/index.js';
import { childPids, quietLogger, req, timerCount, timersSettledTo, waitForRestart } from './helpers.js';
import { startInline } from './start-inline.js';

/** Entries that each stay inside the isolate ENTRY_MS (measured by the isolate's own clock). */
const ENTRY_MS = 150;
const BUSY = `
export const plugin = {
  routes: {
    async ping() { return { status: 200, body: 'ok' }; },
    async busy() {
      const start = Date.now();
      while (Date.now() - start < ${ENTRY_MS}) {}
      return { status: 200, body: { start, end: Date.now() } };
    },
    async spin() { for (;;) {} },
  },
};`;

type Span = { start: number; end: number };
const spanOf = (res: unknown): Span => (res as { body: Span }).body;

// The kernel watches spins from outside the host: it counts the entry frames it sends, the host
// reports how many it finished. These are the rule's edges: many short entries back to back in
// one host turn are not a spin; one entry that never comes back is, even in the same turn.
describe('the kernel-side spin watch', () => {
  let sb: Sandbox;
  let p: PluginInstance;
  let timersBefore: number;

  beforeAll(async () => {
    timersBefore = timerCount();
    sb = createSandbox({
      logger: quietLogger(),
      restart: { baseDelayMs: 10, maxDelayMs: 50, maxCrashes: 50 },
    });
    p = await startInline(sb, {
      name: 'busy-turns',
      code: BUSY,
      permissions: ['http:routes'],
      // Deadlines far away: only the spin rule (1 s) can stop anything here.
      limits: { spinMs: 1_000, callTimeoutMs: 60_000, activateTimeoutMs: 30_000 },
    });
  });

  afterAll(async () => {
    await sb.close();
    expect(await childPids()).toEqual([]);
    // The shared spin timer is disarmed once no host is busy.
    expect(await timersSettledTo(timersBefore)).toBeLessThanOrEqual(timersBefore);
  });

  it('does not kill a host whose entries are each shorter than spinMs but run back to back past it', async () => {
    const pid = p.status().pid;
    // Sent in one turn, they leave in one write and the host runs them in one turn of its own.
    const n = 12;
    const results = await Promise.all(Array.from({ length: n }, () => callRoute(p, 'busy', req())));
    const spans = results.map(spanOf).sort((a, b) => a.start - b.start);
    const total = spans.at(-1)!.end - spans[0]!.start;
    const longestGap = Math.max(...spans.slice(1).map((s, i) => s.start - spans[i]!.end));
    console.log(
      `${n} entries of ${ENTRY_MS} ms back to back: ${total} ms inside the isolate, longest gap between entries ${longestGap} ms`,
    );
    // The case is real: together they stayed inside far longer than spinMs…
    expect(total).toBeGreaterThan(1_000);
    for (const s of spans) expect(s.end - s.start).toBeLessThan(1_000);
    // …and the host was not killed.
    expect(p.status()).toMatchObject({ state: 'running', pid, restarts: 0 });
    expect(await callRoute(p, 'ping', req())).toMatchObject({ status: 200, body: 'ok' });
  });

  it('does not kill a host mid-call while the kernel event loop is blocked for 2 s', async () => {
    const pid = p.status().pid;
    const call = callRoute(p, 'busy', req());
    // Blocked in the check phase: the spin watch's overdue timer runs before the answer is read.
    await new Promise((r) => setImmediate(r));
    const end = Date.now() + 2_000;
    while (Date.now() < end) {}
    expect(spanOf(await call)).toMatchObject({ start: expect.any(Number) });
    expect(p.status()).toMatchObject({ state: 'running', pid, restarts: 0 });
    expect(await callRoute(p, 'ping', req())).toMatchObject({ status: 200, body: 'ok' });
  });

  it('kills a host that spins after short entries of the same turn, and answers those first', async () => {
    const pid = p.status().pid;
    const t0 = performance.now();
    const calls = [
      ...Array.from({ length: 4 }, () => callRoute(p, 'busy', req())),
      callRoute(p, 'spin', req()),
    ].map((c) => c.then(spanOf, (e: { code?: string }) => e.code ?? 'no code'));
    const out = await Promise.all(calls);
    const ms = Math.round(performance.now() - t0);
    // The short entries finished before the spin began: their results left with the progress.
    for (const r of out.slice(0, 4)) expect(r).toMatchObject({ start: expect.any(Number) });
    expect(out[4]).toBe('OMEGA_ERR_PLUGIN_TIMEOUT');
    const back = await waitForRestart(p, pid);
    expect(back.lastCrash).toMatchObject({ cause: 'spin' });
    expect(back.lastCrash?.reason).toMatch(/^spin: a call ran \d+ ms without yielding/);
    console.log(
      `4 entries of ${ENTRY_MS} ms then a spin, one turn: the spin stopped ${ms} ms after the calls`,
    );
  });
});
