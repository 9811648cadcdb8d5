import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PluginKernel, startPluginKernel } from '../helpers/start-plugin-kernel.js';

// `/hold` answers only once the test publishes demo.go, so the reload's drain lasts as long as
// the test needs (no sleeps); it says it started with demo.started. The second activation (the
// reload's new copy; `starts` counts them) waits for demo.go too, after saying demo.activating,
// so the new copy's start lasts as long as the test needs as well.
const SLOW = `let release = null;
export const plugin = {
  async activate(ctx) {
    await ctx.events.subscribe('demo.go', () => { if (release) release(); });
    const prior = await ctx.storage.get('state', 'starts');
    const n = (prior && prior.value ? prior.value.n : 0) + 1;
    await ctx.storage.set('state', 'starts', { n });
    if (n === 2) {
      const go = new Promise((r) => { release = r; });
      await ctx.events.publish('demo.activating', {});
      await go;
    }
  },
  routes: {
    async hold(_req, ctx) {
      const go = new Promise((r) => { release = r; });
      await ctx.events.publish('demo.started', {});
      await go;
      return { status: 200, body: { held: true } };
    },
    async ping() {
      return { status: 200, body: { pong: true } };
    },
  },
};
`;

/** Resolves on the first event on `topic` published after this call. */
function seen(k: PluginKernel, topic: string): Promise<void> {
  return new Promise<void>((resolve) => {
    const sub = k.kernel.bus.subscribe([topic], () => {
      sub.unsubscribe();
      resolve();
    });
  });
}

/** A ping answered while the plugin restarts: 503 problem+json, Retry-After 1, state restarting. */
async function expectRestarting(k: PluginKernel): Promise<void> {
  const res = await k.api('/api/v1/slow/ping', { token: false });
  const problem = (await res.json()) as { code: string; state?: string };
  expect({
    status: res.status,
    type: res.headers.get('content-type'),
    retryAfter: res.headers.get('retry-after'),
    code: problem.code,
    state: problem.state,
  }).toEqual({
    status: 503,
    type: expect.stringContaining('application/problem+json'),
    retryAfter: '1',
    code: 'OMEGA_ERR_PLUGIN_UNAVAILABLE',
    state: 'restarting',
  });
}

describe('a plugin route while its plugin restarts', () => {
  let k: PluginKernel;

  beforeAll(async () => {
    k = await startPluginKernel(
      {
        slow: {
          code: SLOW,
          manifest: {
            permissions: ['http:routes', 'storage', 'events:subscribe:demo.go', 'events:publish:demo.*'],
            routes: [
              { method: 'POST', path: '/hold', handler: 'hold', permission: 'public' },
              { method: 'GET', path: '/ping', handler: 'ping', permission: 'public' },
            ],
            // Long enough that the reload's bounded wait for calls in flight never runs out here.
            limits: { callTimeoutMs: 60_000 },
          },
        },
      },
      { plugins: { warmHosts: 0 } },
    );
  });
  afterAll(async () => {
    await k?.close();
  });

  it('answers 503 "restarting" with Retry-After through the drain and the new start (not 404), then serves', async () => {
    expect((await k.api('/api/v1/slow/ping', { token: false })).status).toBe(200);
    const startedSeen = seen(k, 'demo.started');
    const held = k.api('/api/v1/slow/hold', { method: 'POST', token: false });
    await startedSeen;

    const reloading = k.kernel.plugins.reload('slow');
    // The reload is draining: the held call keeps it from disposing the old copy.
    await expectRestarting(k);
    const activating = seen(k, 'demo.activating');
    k.kernel.bus.publish('demo.go', {});
    const answer = await held;
    expect({ status: answer.status, body: await answer.json() }).toEqual({
      status: 200,
      body: { held: true },
    });

    // The new copy is starting: its activate waits for demo.go.
    await activating;
    await expectRestarting(k);
    k.kernel.bus.publish('demo.go', {});
    expect((await reloading).status).toBe('running');
    const after = await k.api('/api/v1/slow/ping', { token: false });
    expect({ status: after.status, body: await after.json() }).toEqual({ status: 200, body: { pong: true } });
  });

  it('still takes the routes away when the plugin is disabled (404), and back when enabled', async () => {
    expect((await k.kernel.plugins.disable('slow')).status).toBe('disabled');
    expect((await k.api('/api/v1/slow/ping', { token: false })).status).toBe(404);
    expect((await k.kernel.plugins.enable('slow')).status).toBe('running');
    expect((await k.api('/api/v1/slow/ping', { token: false })).status).toBe(200);
  });
});
