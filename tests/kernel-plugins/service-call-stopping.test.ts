import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PluginKernel, startPluginKernel } from '../helpers/start-plugin-kernel.js';

// `provider.hold` answers only once the test publishes demo.go, so the provider's stop drains
// for as long as the test needs; `provider.ping` answers at once.
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
    async ping() { return { pong: true }; },
  },
};
`;

const CLIENT = `const ask = (service) => async (_req, ctx) => {
  try { return { status: 200, body: await ctx.services.call(service, {}) }; }
  catch (err) { return { status: 500, body: { code: String(err.code), message: String(err.message) } }; }
};
export const plugin = { routes: { hold: ask('provider.hold'), ping: ask('provider.ping') } };
`;

describe('a service call while its provider drains', () => {
  let k: PluginKernel;

  beforeAll(async () => {
    k = await startPluginKernel(
      {
        provider: {
          code: PROVIDER,
          manifest: {
            permissions: ['events:subscribe:demo.go', 'events:publish:demo.*'],
            services: [{ name: 'hold' }, { name: 'ping' }],
            // The drain ends when the held call is released, long before this.
            limits: { callTimeoutMs: 60_000 },
          },
        },
        client: {
          code: CLIENT,
          manifest: {
            permissions: ['http:routes', 'services:call:provider.hold', 'services:call:provider.ping'],
            routes: [
              { method: 'POST', path: '/hold', handler: 'hold', permission: 'public' },
              { method: 'POST', path: '/ping', handler: 'ping', permission: 'public' },
            ],
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

  const ping = async (): Promise<{ status: number; code?: string }> => {
    const res = await k.api('/api/v1/client/ping', { method: 'POST', token: false });
    const body = (await res.json()) as { code?: string };
    return res.status === 200 ? { status: 200 } : { status: res.status, code: body.code };
  };

  /**
   * Starts client → provider.hold and resolves once the provider holds it, with the call's answer
   * still to come (it waits for demo.go); wrapped, since an async function would wait for it.
   */
  const holdACall = async (): Promise<{ answer: Promise<Response> }> => {
    let started!: () => void;
    const startedSeen = new Promise<void>((r) => {
      started = r;
    });
    const sub = k.kernel.bus.subscribe(['demo.started'], () => started());
    const held = k.api('/api/v1/client/hold', { method: 'POST', token: false });
    await startedSeen;
    sub.unsubscribe();
    return { answer: held };
  };

  it('is unavailable ("stopping") while the provider drains, and not found once it is gone', async () => {
    expect(await ping()).toEqual({ status: 200 });
    const held = (await holdACall()).answer;

    const disabling = k.kernel.plugins.disable('provider');
    // The provider answers until the disable reaches its stop; the held call keeps it draining
    // until the test releases it, so this ends with the answer given during the drain.
    let during = await ping();
    while (during.status === 200) {
      await delay(5);
      during = await ping();
    }
    k.kernel.bus.publish('demo.go', {});
    const heldRes = await held;
    expect({ status: heldRes.status, body: await heldRes.json() }).toEqual({
      status: 200,
      body: { held: true },
    });
    expect((await disabling).status).toBe('disabled');

    expect(during).toEqual({ status: 500, code: 'OMEGA_ERR_PLUGIN_UNAVAILABLE' });
    expect(await ping()).toEqual({ status: 500, code: 'OMEGA_ERR_NOT_FOUND' });
  });

  it('is unavailable ("stopping") all through a reload of the provider, never not found', async () => {
    expect((await k.kernel.plugins.enable('provider')).status).toBe('running');
    expect(await ping()).toEqual({ status: 200 });
    const held = (await holdACall()).answer;

    let done = false;
    const reloading = k.kernel.plugins.reload('provider').finally(() => {
      done = true;
    });
    let during = await ping();
    while (during.status === 200) {
      await delay(5);
      during = await ping();
    }
    k.kernel.bus.publish('demo.go', {});
    // Every answer from the release until the reload is done: the old copy's drain, its dispose,
    // the folders read again, the fresh copy's start.
    const answers = new Set<string>();
    while (!done) {
      const a = await ping();
      answers.add(a.code ?? String(a.status));
      await delay(2);
    }
    expect((await reloading).status).toBe('running');
    expect((await held).status).toBe(200);
    expect(during).toEqual({ status: 500, code: 'OMEGA_ERR_PLUGIN_UNAVAILABLE' });
    expect(answers.has('OMEGA_ERR_NOT_FOUND')).toBe(false);
    expect(await ping()).toEqual({ status: 200 });
  });
});
