import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PluginKernel, startPluginKernel } from '../helpers/start-plugin-kernel.js';

/*
 * Review: the operator's route override was looked up by the literal path, so a new version that
 * named the parameter `:name` instead of `:who` lost it — the route the operator had closed was
 * public again — while the consent diff (by route shape) saw no change. Overrides now match by
 * shape: parameter names aside.
 */
const CODE = `export const plugin = { routes: {
  async greet(req) { return { status: 200, body: { hi: req.params.name } }; },
} };`;

describe("an operator's route override after the route's parameter was renamed", () => {
  let k: PluginKernel;
  beforeAll(async () => {
    k = await startPluginKernel(
      {
        greeter: {
          code: CODE,
          manifest: {
            permissions: ['http:routes'],
            routes: [{ method: 'GET', path: '/greet/:name', handler: 'greet', permission: 'public' }],
          },
          // Written for the version whose path said :who.
          routes: { 'GET /greet/:who': 'greeter:admin' },
        },
      },
      { plugins: { warmHosts: 0 } },
    );
  }, 60_000);
  afterAll(async () => {
    await k?.close();
  });

  it('still holds: anonymous callers are refused, the admin token is served', async () => {
    expect((await k.api('/api/v1/greeter/greet/ada', { token: false })).status).toBe(401);
    const ok = await k.api('/api/v1/greeter/greet/ada');
    expect(await ok.json()).toEqual({ hi: 'ada' });
  });
});
