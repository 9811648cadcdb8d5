import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PluginKernel, startPluginKernel } from '../helpers/start-plugin-kernel.js';

// Each plugin's `hold` answers only once the test publishes demo.go, so its drain lasts as long
// as the test needs; `ping` answers at once. `carol` depends on `alpha` and, once released, calls
// alpha.ping from inside its drained call.
const provider = (name: string, relay = false) => `let release = null;
export const plugin = {
  async activate(ctx) {
    await ctx.events.subscribe('demo.go', () => { if (release) release(); });
  },
  services: {
    async hold(_args, ctx) {
      const go = new Promise((r) => { release = r; });
      await ctx.events.publish('demo.started', { who: '${name}' });
      await go;
      return ${relay ? "await ctx.services.call('alpha.ping', {})" : `{ held: '${name}' }`};
    },
    async ping() { return { pong: '${name}' }; },
  },
};
`;

const manifest = (extra: Record<string, unknown> = {}) => ({
  permissions: ['events:subscribe:demo.go', 'events:publish:demo.*'],
  services: [{ name: 'hold' }, { name: 'ping' }],
  // A drain here ends when the test releases the held calls, long before this.
  limits: { callTimeoutMs: 60_000 },
  ...extra,
});

const KERNEL = { plugin: 'test', version: '0.0.0' };

describe('a kernel stop drains plugins', () => {
  let k: PluginKernel;

  beforeAll(async () => {
    k = await startPluginKernel(
      {
        alpha: { code: provider('alpha'), manifest: manifest() },
        bravo: { code: provider('bravo'), manifest: manifest() },
        carol: {
          code: provider('carol', true),
          manifest: manifest({
            dependencies: { alpha: '^1.0.0' },
            permissions: ['events:subscribe:demo.go', 'events:publish:demo.*', 'services:call:alpha.ping'],
          }),
        },
      },
      { plugins: { warmHosts: 0 } },
    );
  });
  afterAll(async () => {
    await k?.close();
  });

  const call = (service: string) => k.kernel.plugins.services.call(service, {}, KERNEL);
  /** `ok`, or the error code a ping of `name` answers now. */
  const ping = (name: string): Promise<string> =>
    call(`${name}.ping`).then(
      () => 'ok',
      (err: { code?: string }) => String(err.code),
    );

  it('at once where no dependency orders them, a provider after its dependents', async () => {
    let started = 0;
    let allStarted!: () => void;
    const startedSeen = new Promise<void>((r) => {
      allStarted = r;
    });
    const sub = k.kernel.bus.subscribe(['demo.started'], (e) => {
      started += e.length;
      if (started === 3) allStarted();
    });
    const held = Promise.all([call('alpha.hold'), call('bravo.hold'), call('carol.hold')]);
    await startedSeen;
    sub.unsubscribe();

    const stopping = k.kernel.stop();
    // Until the plugins' stop begins every ping answers; the held calls keep whatever drains
    // draining until the test releases them, so this ends with a view taken during the drains.
    while ((await ping('bravo')) === 'ok' && (await ping('carol')) === 'ok') await delay(5);
    const during = { alpha: await ping('alpha'), bravo: await ping('bravo'), carol: await ping('carol') };
    k.kernel.bus.publish('demo.go', {});
    const answers = await held;
    await stopping;

    // bravo and carol drain together (one callTimeoutMs at most, not two); alpha, which carol
    // depends on, still serves, and carol's drained call reached it.
    expect(during).toEqual({
      alpha: 'ok',
      bravo: 'OMEGA_ERR_PLUGIN_UNAVAILABLE',
      carol: 'OMEGA_ERR_PLUGIN_UNAVAILABLE',
    });
    expect(answers).toEqual([{ held: 'alpha' }, { held: 'bravo' }, { pong: 'alpha' }]);
    expect(await ping('alpha')).toBe('OMEGA_ERR_NOT_FOUND');
  });
});
