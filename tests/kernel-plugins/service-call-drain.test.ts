import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PluginKernel, startPluginKernel } from '../helpers/start-plugin-kernel.js';

// `provider.hold` answers only once the test publishes demo.go: the call stays in flight as long
// as the test needs, with no polling. It says it started with demo.started.
const PROVIDER = `let release = null;
export const plugin = {
  async activate(ctx) {
    await ctx.events.subscribe('demo.go', () => { if (release) release(); });
  },
  services: {
    async hold(_args, ctx) {
      const go = new Promise((r) => { release = r; });
      await ctx.events.publish('demo.started', {});
      await go;
      return { held: true };
    },
  },
};
`;

const CLIENT = `export const plugin = {
  routes: {
    async ask(_req, ctx) {
      try { return { status: 200, body: await ctx.services.call('provider.hold', {}) }; }
      catch (err) { return { status: 500, body: { code: String(err.code), message: String(err.message) } }; }
    },
  },
};
`;

describe('a service call in flight when its provider stops', () => {
  let k: PluginKernel;

  beforeAll(async () => {
    k = await startPluginKernel(
      {
        provider: {
          code: PROVIDER,
          manifest: {
            permissions: ['events:subscribe:demo.go', 'events:publish:demo.*'],
            services: [{ name: 'hold' }],
            // Long enough that the stop's bounded wait for calls in flight never runs out here.
            limits: { callTimeoutMs: 60_000 },
          },
        },
        client: {
          code: CLIENT,
          manifest: {
            permissions: ['http:routes', 'services:call:provider.hold'],
            routes: [{ method: 'POST', path: '/ask', handler: 'ask', permission: 'public' }],
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

  it('is counted by the provider: disabling it waits for the call, which gets its answer', async () => {
    let started!: () => void;
    const startedSeen = new Promise<void>((r) => {
      started = r;
    });
    const sub = k.kernel.bus.subscribe(['demo.started'], () => started());
    const asked = k.api('/api/v1/client/ask', { method: 'POST', token: false });
    await startedSeen;
    sub.unsubscribe();

    let disabledFirst = false;
    const disabling = k.kernel.plugins.disable('provider').then((v) => {
      disabledFirst = true;
      return v;
    });
    // Room for a stop that does not wait to finish before the call is released (not a limit:
    // a stop that waits passes however long this takes).
    await Promise.race([disabling, delay(500)]);
    const stoppedBeforeAnswer = disabledFirst;
    k.kernel.bus.publish('demo.go', {});

    const res = await asked;
    const body = await res.json();
    expect(stoppedBeforeAnswer).toBe(false);
    expect({ status: res.status, body }).toEqual({ status: 200, body: { held: true } });
    expect((await disabling).status).toBe('disabled');
  });
});
