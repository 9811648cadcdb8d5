import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { BusEvent } from '../../kernel/bus/index.js';
import { omegaError } from '../../kernel/errors/index.js';
import { MAX_FAILED_CHECKS, RECHECKS_AT_ONCE } from '../../kernel/ws/index.js';
import { connect, type Harness, startHarness } from './ws-helpers.js';

/*
 * A stream was authorized once, at the upgrade, and stayed open whatever became of its credential
 * (a revoked token, a dropped admin-token file). The gateway now authenticates and authorizes the
 * upgrade's credential again at every ping: gone → close 4401, no longer allowed → 4403, rights
 * changed → the event filter follows; a check that throws (provider down) keeps the stream, up to
 * MAX_FAILED_CHECKS in a row (then 1013).
 */
describe('the events gateway checks an open stream’s credential again at every ping', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  /** A gateway whose authentication, authorization and filter the test changes while streams run. */
  async function harness() {
    const state = {
      valid: new Set(['tok-a', 'tok-b']),
      forbidden: new Set<string>(),
      /** Tokens that may only see events whose data.owner is their own. */
      ownOnly: new Set<string>(),
      providerDown: false,
      /** Tokens the authenticator refuses by throwing a 401 problem (revoked), not with null. */
      refused: new Set<string>(),
      asked: 0,
      /** While set, each check waits for it: checks in flight pile up. */
      hold: undefined as Promise<void> | undefined,
      inFlight: 0,
      mostInFlight: 0,
    };
    h = await startHarness({
      gateway: {
        // not much shorter: a client that misses a pong by the next ping is dropped, and a busy
        // machine delays pongs
        pingIntervalMs: 200,
        authenticate: async (req) => {
          state.asked++;
          if (state.hold) {
            state.mostInFlight = Math.max(state.mostInFlight, ++state.inFlight);
            await state.hold;
            state.inFlight--;
          }
          if (state.providerDown) throw new Error('provider unavailable');
          const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
          if (state.refused.has(token)) throw omegaError('OMEGA_ERR_TOKEN_INVALID', 'revoked');
          return state.valid.has(token) ? { token } : null;
        },
        authorize: async (p, patterns) =>
          state.forbidden.has((p as { token: string }).token) ? (patterns[0] ?? null) : null,
        filterFor: (p) => {
          const { token } = p as { token: string };
          return state.ownOnly.has(token)
            ? (e: BusEvent) => (e.data as { owner?: string }).owner === token
            : undefined;
        },
      },
    });
    const open = async (token: string) => {
      const c = connect(`${h!.base}/api/v1/events?topics=app.*`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await c.waitFrames(1); // hello
      return c;
    };
    /** Resolves once `n` more checks have started (each one after the previous ended). */
    const checks = async (n: number) => {
      const until = state.asked + n;
      const deadline = Date.now() + 30_000;
      while (state.asked < until) {
        if (Date.now() > deadline) throw new Error(`${until - state.asked} of ${n} checks did not start`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    return { h, state, open, checks };
  }

  it('closes a stream whose credential no longer authenticates with 4401, and keeps the others', async () => {
    const { state, open, checks } = await harness();
    const a = await open('tok-a');
    const b = await open('tok-b');
    state.valid.add('tok-c-refused-later');
    const c = await open('tok-c-refused-later');
    state.valid.delete('tok-a');
    expect(await a.closed).toEqual({ code: 4401, reason: 'credential expired or revoked' });
    // Refused with a 401 problem (as the kernel's authenticator refuses a revoked token): the same.
    state.refused.add('tok-c-refused-later');
    expect(await c.closed).toEqual({ code: 4401, reason: 'credential expired or revoked' });
    await checks(4);
    expect(b.ws.readyState).toBe(b.ws.OPEN);
    h!.bus.publish('app.x', { owner: 'tok-b' });
    expect((await b.waitFrames(2))[1]).toMatchObject({ type: 'event', topic: 'app.x' });
    b.ws.close();
  });

  it('closes with 4403 once the principal may no longer subscribe', async () => {
    const { state, open } = await harness();
    const a = await open('tok-a');
    state.forbidden.add('tok-a');
    expect(await a.closed).toEqual({ code: 4403, reason: 'may no longer subscribe to app.*' });
  });

  it('applies the principal’s current event filter; keeps a stream whose check fails, a few times', async () => {
    const { state, open, checks } = await harness();
    const a = await open('tok-a');
    state.ownOnly.add('tok-a');
    await checks(2);
    h!.bus.publish('app.x', { owner: 'tok-b', n: 1 });
    h!.bus.publish('app.x', { owner: 'tok-a', n: 2 });
    const frames = await a.waitFrames(2);
    expect(frames.slice(1).map((f) => (f.data as { n: number }).n)).toEqual([2]);

    // Checks that cannot be made keep the stream, up to MAX_FAILED_CHECKS in a row: then 1013.
    state.providerDown = true;
    await checks(MAX_FAILED_CHECKS - 1);
    expect(a.ws.readyState).toBe(a.ws.OPEN);
    expect(await a.closed).toEqual({ code: 1013, reason: 'credential cannot be checked now' });
  });

  it(`checks at most ${RECHECKS_AT_ONCE} streams at once, each stream once however long its check waits`, async () => {
    // Every stream's check started in the same ping: at 10,000 streams with cold caches, 10,000
    // questions to the auth provider at once (last note).
    const { state, open } = await harness();
    const n = RECHECKS_AT_ONCE * 2 + 3;
    const streams = [];
    for (let i = 0; i < n; i++) streams.push(await open('tok-a'));
    let release!: () => void;
    state.hold = new Promise<void>((r) => {
      release = r;
    });
    const asked = state.asked;
    // Several pings go by while the first checks hang: the rest wait, none twice.
    const deadline = Date.now() + 30_000;
    while (state.inFlight < RECHECKS_AT_ONCE && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 1000));
    expect(state.inFlight).toBe(RECHECKS_AT_ONCE);
    expect(state.asked - asked).toBe(RECHECKS_AT_ONCE);
    state.hold = undefined;
    release();
    // Then every stream is checked: those waiting first, each once, and none is closed.
    while (state.asked - asked < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(state.asked - asked).toBeGreaterThanOrEqual(n);
    expect(state.mostInFlight).toBe(RECHECKS_AT_ONCE);
    for (const s of streams) expect(s.ws.readyState).toBe(WebSocket.OPEN);
    for (const s of streams) s.ws.close();
  }, 60_000);
});
