import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingHandlers } from '../../kernel/sandbox/create-plugin-instance.js';
import { type PluginKernel, startPluginKernel } from '../helpers/start-plugin-kernel.js';

/*
 * Walk: a manifest naming a route handler and a service the bundle does not export built, tested
 * and ran (`running`, no reasons), and failed only when the route was called (502). The kernel
 * now refuses to start it, naming what is missing, and serves the plugins that are whole.
 */
const CODE = `export const plugin = {
  routes: { async hello() { return { status: 200, body: { hello: true } }; } },
  services: { async count() { return 1; } },
};`;

describe('a plugin whose manifest names handlers its bundle does not export', () => {
  let k: PluginKernel;
  beforeAll(async () => {
    const manifest = (routes: string[], services: Array<{ name: string; handler?: string }>) => ({
      permissions: ['http:routes'],
      routes: routes.map((handler) => ({
        method: 'GET',
        path: `/${handler}`,
        handler,
        permission: 'public',
      })),
      services,
    });
    k = await startPluginKernel(
      {
        whole: { code: CODE, manifest: manifest(['hello'], [{ name: 'count' }]) },
        lacking: { code: CODE, manifest: manifest(['hello', 'xyz'], [{ name: 'count' }, { name: 'nope' }]) },
      },
      { plugins: { warmHosts: 0 } },
    );
  }, 60_000);
  afterAll(async () => {
    await k?.close();
  });

  it('does not start, and says which handlers are missing and what it exports', async () => {
    const view = (await (await k.api('/api/v1/plugins/lacking')).json()) as {
      status: string;
      runtime: { reason?: string };
    };
    // Quarantined at once (a manifest error is permanent: no restart would mend it).
    expect(view.status).toBe('quarantined');
    expect(view.runtime.reason).toContain(
      'the manifest names route handler(s) "xyz" (it exports hello) and service handler(s) "nope" (it exports count) that the bundle does not export',
    );
    expect((await k.api('/api/v1/lacking/hello', { token: false })).status).toBe(503);
    // The whole one runs.
    expect(await (await k.api('/api/v1/whole/hello', { token: false })).json()).toEqual({ hello: true });
  });

  it('names nothing when every handler is exported (more may be)', () => {
    expect(
      missingHandlers({ routes: ['a'], services: ['s'] }, { routes: ['a', 'b'], services: ['s', 't'] }),
    ).toBeUndefined();
    expect(missingHandlers({ routes: [], services: ['s'] }, { routes: [], services: [] })).toBe(
      'the manifest names service handler(s) "s" (it exports none) that the bundle does not export: export them from plugin.routes / plugin.services, or fix the names in plugin.json',
    );
  });
});
