import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { writePluginDir } from '../helpers/write-plugin-dir.js';

/*
 * The permission gate remembers allowed requests; a grant change must still bite on the very
 * next call. Real kernel, real plugin host: the plugin publishes on a topic until the gate has
 * remembered it, the operator denies that topic and reloads the plugin, and the first publish
 * after the reload is refused with OMEGA_ERR_PERM_DENIED (a topic still granted is not).
 */

const CODE = `export const plugin = {
  routes: {
    async secret(_req, ctx) { return publish(ctx, 'demo.secret'); },
    async other(_req, ctx) { return publish(ctx, 'demo.other'); },
  },
};
async function publish(ctx, topic) {
  try {
    const r = await ctx.events.publish(topic, { n: 1 });
    return { status: 200, body: { seq: r.seq } };
  } catch (e) {
    return { status: 200, body: { code: e.code } };
  }
}
`;

describe('a revoked grant', () => {
  let k: TempKernel;
  let pluginsDir: string;

  beforeAll(async () => {
    pluginsDir = mkdtempSync(join(tmpdir(), 'omega-plugins-'));
    writePluginDir(pluginsDir, 'pub', CODE, {
      permissions: ['http:routes', 'events:publish:demo.*'],
      routes: [
        { method: 'POST', path: '/secret', handler: 'secret', permission: 'public' },
        { method: 'POST', path: '/other', handler: 'other', permission: 'public' },
      ],
    });
    const grantsFile = join(pluginsDir, 'grants.json');
    writeFileSync(
      grantsFile,
      JSON.stringify({ pub: { granted: ['http:routes', 'events:publish:demo.*'], denied: [] } }),
    );
    k = await startTempKernel({ plugins: { dirs: [pluginsDir], grantsFile, warmHosts: 0 } });
  });
  afterAll(async () => {
    await k?.stop();
    removeDir(k.dataDir);
    removeDir(pluginsDir);
  });

  const call = async (route: string) => {
    const res = await k.api(`/api/v1/pub/${route}`, { method: 'POST', token: false });
    expect(res.status).toBe(200);
    return (await res.json()) as { seq?: number; code?: string };
  };

  it('is denied on the very next call after the reload that applies it', async () => {
    for (let i = 0; i < 3; i++) expect((await call('secret')).seq).toBeTypeOf('number');
    const put = await k.api('/api/v1/plugins/pub/grants', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        granted: ['http:routes', 'events:publish:demo.*'],
        denied: ['events:publish:demo.secret'],
      }),
    });
    expect(put.status).toBe(200);
    const reload = await k.api('/api/v1/plugins/pub/reload', { method: 'POST' });
    expect(reload.status).toBe(200);
    expect(await call('secret')).toEqual({ code: 'OMEGA_ERR_PERM_DENIED' });
    expect((await call('other')).seq).toBeTypeOf('number');
    expect(await call('secret')).toEqual({ code: 'OMEGA_ERR_PERM_DENIED' });
  });
});
