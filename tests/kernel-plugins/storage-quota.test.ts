import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { writePluginDir } from '../helpers/write-plugin-dir.js';

// Builds its big values inside the isolate, so each request is small but each write is not.
const WRITER = `export const plugin = {
  routes: {
    async put(req, ctx) {
      try {
        const rec = await ctx.storage.set('blobs', req.body.id, 'x'.repeat(req.body.size));
        return { status: 200, body: { version: rec.version } };
      } catch (e) {
        return { status: 413, body: { code: e.code ?? null, message: String(e.message) } };
      }
    },
    async drop(req, ctx) {
      return { status: 200, body: { deleted: await ctx.storage.delete('blobs', req.body.id) } };
    },
  },
};
`;

const routes = [
  { method: 'POST', path: '/put', handler: 'put', permission: 'public' },
  { method: 'POST', path: '/drop', handler: 'drop', permission: 'public' },
];

const MiB = 1024 * 1024;
const CHUNK = 300 * 1024; // under the 1 MiB host-call argument cap; four of these pass 1 MiB

// Red team: a plugin could grow its storage namespace without bound (disk, and every group
// commit re-encoding an ever larger file). Each plugin's namespace is held to plugins.storageQuotaMb.
describe('plugin storage quota in a running kernel', () => {
  let k: TempKernel;
  let pluginsDir: string;
  const call = async (plugin: string, verb: string, body: unknown) => {
    const res = await k.api(`/api/v1/${plugin}/${verb}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const used = (ns: string) => k.kernel.storage.stats()[ns]?.bytes ?? 0;

  beforeAll(async () => {
    pluginsDir = mkdtempSync(join(tmpdir(), 'omega-plugins-'));
    writePluginDir(pluginsDir, 'hoarder', WRITER, { permissions: ['http:routes', 'storage'], routes });
    writePluginDir(pluginsDir, 'neighbour', WRITER, { permissions: ['http:routes', 'storage'], routes });
    const grantsFile = join(pluginsDir, 'grants.json');
    const granted = { granted: ['http:routes', 'storage'], denied: [] };
    writeFileSync(grantsFile, JSON.stringify({ hoarder: granted, neighbour: granted }));
    k = await startTempKernel({
      plugins: { dirs: [pluginsDir], grantsFile, warmHosts: 0, storageQuotaMb: 1 },
    });
  });
  afterAll(async () => {
    await k?.stop();
    removeDir(k.dataDir);
    removeDir(pluginsDir);
  });

  it('refuses the write that would pass the quota, keeps deletes working, and touches no one else', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await call('hoarder', 'put', { id: `b${i}`, size: CHUNK })).status).toBe(200);
    }
    const full = used('hoarder');
    expect(full).toBeGreaterThan(3 * CHUNK);

    const refused = await call('hoarder', 'put', { id: 'b3', size: CHUNK });
    expect(refused.status).toBe(413);
    expect(refused.body.code).toBe('OMEGA_ERR_PLUGIN_LIMIT');
    expect(String(refused.body.message)).toContain('quota');
    // Growing a record it already has is refused too; nothing was applied either time.
    expect((await call('hoarder', 'put', { id: 'b0', size: 2 * CHUNK })).body.code).toBe(
      'OMEGA_ERR_PLUGIN_LIMIT',
    );
    expect(used('hoarder')).toBe(full);
    expect(await k.kernel.storage.get('hoarder', 'blobs', 'b3')).toBeUndefined();
    expect(used('hoarder')).toBeLessThanOrEqual(MiB);

    // Another plugin has its own quota, and the kernel's own namespaces have none.
    expect((await call('neighbour', 'put', { id: 'n0', size: CHUNK })).status).toBe(200);
    await k.kernel.storage.set('quota-test-kernel', 'c', 'big', 'k'.repeat(2 * MiB));
    expect(used('quota-test-kernel')).toBeGreaterThan(2 * MiB);

    // Deleting makes room again.
    expect((await call('hoarder', 'drop', { id: 'b0' })).body).toEqual({ deleted: true });
    expect(used('hoarder')).toBeLessThan(full);
    expect((await call('hoarder', 'put', { id: 'b3', size: CHUNK })).status).toBe(200);
    expect(used('hoarder')).toBeLessThanOrEqual(MiB);
  });
});
