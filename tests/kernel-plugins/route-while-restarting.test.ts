import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PluginKernel, startPluginKernel } from '../helpers/start-plugin-kernel.js';

// `/hold` answers only once the test publishes demo.go, so the reload's drain lasts as long as
// the test needs (no polling, no sleeps); it says it started with demo.started.
const SLOW = `let release = null;
export const plugin = {
  async activate(ctx) {
    await ctx.events.subscribe('demo.go', () => { if (release) release(); });
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

describe('a plugin route while its plugin restarts', () => {
  let k: PluginKernel;

  beforeAll(async () => {
    k = await startPluginKernel(
      {
        slow: {
          code: SLOW,
          manifest: {
            permissions: ['http:routes', 'events:subscribe:demo.go', 'events:publish:demo.*'],
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

  it('answers 503 with Retry-After during the drain (not 404), and serves again after it', async () => {
    expect((await k.api('/api/v1/slow/ping', { token: false })).status).toBe(200);
    let started!: () => void;
    const startedSeen = new Promise<void>((r) => {
      started = r;
    });
    const sub = k.kernel.bus.subscribe(['demo.started'], () => started());
    const held = k.api('/api/v1/slow/hold', { method: 'POST', token: false });
    await startedSeen;
    sub.unsubscribe();

    const reloading = k.kernel.plugins.reload('slow');
    // The reload is draining: the held call keeps it from disposing the old copy.
    const during = await k.api('/api/v1/slow/ping', { token: false });
    const problem = (await during.json()) as { code: string; detail: string; plugin?: string };
    expect(during.status).toBe(503);
    expect(during.headers.get('content-type')).toContain('application/problem+json');
    expect(during.headers.get('retry-after')).toBe('1');
    expect(problem.code).toBe('OMEGA_ERR_PLUGIN_UNAVAILABLE');
    expect(problem.detail).toContain('restarting');

    k.kernel.bus.publish('demo.go', {});
    const answer = await held;
    expect({ status: answer.status, body: await answer.json() }).toEqual({
      status: 200,
      body: { held: true },
    });
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
