import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { writePluginDir } from '../helpers/write-plugin-dir.js';
import { mountSmallDisk, type SmallDisk } from './small-disk.js';

// A plugin that does not catch its storage errors: the kernel maps what reaches the route.
const KEEPER = `export const plugin = {
  routes: {
    async put(req, ctx) {
      const rec = await ctx.storage.set('notes', req.body.id, 'n'.repeat(req.body.size));
      return { status: 200, body: { version: rec.version } };
    },
    async get(req, ctx) {
      const rec = await ctx.storage.get('notes', req.query.id);
      return { status: 200, body: rec ? { version: rec.version, size: rec.value.length } : null };
    },
  },
};
`;

let disk: SmallDisk | undefined;
let k: TempKernel | undefined;
let pluginsDir: string | undefined;
afterEach(async () => {
  await k?.stop().catch(() => {});
  k = undefined;
  disk?.unmount();
  disk = undefined;
  if (pluginsDir) removeDir(pluginsDir);
});

describe('a kernel on a full disk (real tmpfs)', () => {
  it('a plugin route whose storage call finds the disk full answers 507 OMEGA_ERR_STORAGE_FULL, then works again', async (ctx) => {
    const mounted = mountSmallDisk(8 * 1024);
    if (typeof mounted === 'string') return ctx.skip(mounted);
    disk = mounted;
    pluginsDir = mkdtempSync(join(tmpdir(), 'omega-plugins-'));
    writePluginDir(pluginsDir, 'keeper', KEEPER, {
      permissions: ['http:routes', 'storage'],
      routes: [
        { method: 'POST', path: '/put', handler: 'put', permission: 'public' },
        { method: 'GET', path: '/get', handler: 'get', permission: 'public' },
      ],
    });
    const grantsFile = join(pluginsDir, 'grants.json');
    writeFileSync(
      grantsFile,
      JSON.stringify({ keeper: { granted: ['http:routes', 'storage'], denied: [] } }),
    );
    k = await startTempKernel({
      dataDir: disk.dir,
      plugins: { dirs: [pluginsDir], grantsFile, warmHosts: 0 },
    });
    const put = (id: string, size: number) =>
      k!.api('/api/v1/keeper/put', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id, size }),
      });
    const get = async (id: string) => (await (await k!.api(`/api/v1/keeper/get?id=${id}`)).json()) as unknown;

    expect((await put('a', 1000)).status).toBe(200);
    disk.fill();
    const res = await put('a', 200_000);
    expect(res.status).toBe(507);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const problem = (await res.json()) as { code: string; detail: string };
    expect(problem.code).toBe('OMEGA_ERR_STORAGE_FULL');
    expect(problem.detail).toMatch(/full/);
    expect(problem.detail).not.toContain(disk.dir);
    expect(await get('a')).toEqual({ version: 1, size: 1000 }); // nothing half-applied

    disk.free();
    expect((await put('a', 200_000)).status).toBe(200);
    expect(await get('a')).toEqual({ version: 2, size: 200_000 });
  });

  it('POST /api/v1/events on a full disk answers 507 and the event is not published; it works again after', async (ctx) => {
    const mounted = mountSmallDisk(4 * 1024);
    if (typeof mounted === 'string') return ctx.skip(mounted);
    disk = mounted;
    k = await startTempKernel({ dataDir: disk.dir, plugins: { dirs: [], warmHosts: 0 } });
    const post = (data: unknown) =>
      k!.api('/api/v1/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ topic: 'ops.full.test', data }),
      });
    const ok = (await (await post({ n: 1 })).json()) as { seq: number };
    disk.fill();
    // The event log's journal is zero-filled ahead of its frames, so the first events after
    // the disk filled up still land there (and are acknowledged); then one finds no room.
    const accepted = [1];
    let res: Response | undefined;
    for (let n = 2; n <= 200; n++) {
      res = await post({ n, pad: 'x'.repeat(5000) });
      if (res.status !== 202) break;
      accepted.push(n);
    }
    expect(res!.status).toBe(507);
    expect(((await res!.json()) as { code: string }).code).toBe('OMEGA_ERR_STORAGE_FULL');
    const replay = k.kernel.bus.replay(ok.seq - 1, ['ops.**']) as { data: { n: number } }[];
    expect(replay.map((e) => e.data.n)).toEqual(accepted); // the refused event was never published
    disk.free();
    const again = await post({ n: 3 });
    expect(again.status).toBe(202);
    expect(((await again.json()) as { seq: number }).seq).toBeGreaterThan(ok.seq);
  });
});
