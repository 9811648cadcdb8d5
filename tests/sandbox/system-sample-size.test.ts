import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type PluginInstance, type Sandbox } from '../../kernel/sandbox/index.js';
import { createSystemInfo, type SystemInfo } from '../../kernel/system/index.js';
import { removeDir } from '../helpers/temp-kernel.js';
import { quietLogger, req } from './helpers.js';
import { startInline } from './start-inline.js';

/*
 * A host with hundreds of mounts: the real /proc reader over a mount table of 400 real
 * directories. system.sample's and system.read's answers grow with the host, not with what the plugin sent, so it
 * is held to the plugin's maxCallBytes as its arguments are.
 */

const MOUNTS = 400;

const SAMPLER = `export const plugin = {
  routes: {
    async disk(_req, ctx) {
      try {
        const s = await ctx.system.sample(['disk']);
        return { status: 200, body: { ok: true, filesystems: s.data.disk.filesystems.length } };
      } catch (e) { return { status: 200, body: { ok: false, code: e.code ?? null } }; }
    },
    async read(_req, ctx) {
      try {
        const d = await ctx.system.read('disk');
        return { status: 200, body: { ok: true, filesystems: d.filesystems.length } };
      } catch (e) { return { status: 200, body: { ok: false, code: e.code ?? null } }; }
    },
  },
};
`;

describe('system.sample and system.read on a host with hundreds of mounts', () => {
  let root: string;
  let system: SystemInfo;
  let sb: Sandbox;
  let answerBytes: number;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'omega-mounts-'));
    const proc = join(root, 'proc');
    mkdirSync(proc);
    const lines: string[] = [];
    for (let i = 0; i < MOUNTS; i++) {
      const dir = join(root, 'mnt', `volume-${i}`);
      mkdirSync(dir, { recursive: true });
      lines.push(`/dev/mapper/vg-volume${i} ${dir} ext4 rw,relatime 0 0`);
    }
    writeFileSync(join(proc, 'mounts'), `${lines.join('\n')}\n`);
    writeFileSync(join(proc, 'diskstats'), '');
    system = createSystemInfo({ procRoot: proc });
    answerBytes = Buffer.byteLength(JSON.stringify(await system.sample(['disk'])));
    sb = createSandbox({ logger: quietLogger(), warmHosts: 0 });
  });
  afterAll(async () => {
    await sb?.close();
    removeDir(root);
  });

  const start = (name: string, maxCallBytes: number): Promise<PluginInstance> =>
    startInline(sb, {
      name,
      code: SAMPLER,
      permissions: ['http:routes', 'system:read:disk'],
      services: { system },
      limits: { maxCallBytes },
    });
  const disk = async (p: PluginInstance, route = 'disk'): Promise<unknown> =>
    (JSON.parse(await p.invoke('route', route, JSON.stringify(req()))) as { body: unknown }).body;

  it('answers OMEGA_ERR_PLUGIN_LIMIT when the reading is larger than the plugin’s maxCallBytes', async () => {
    const limit = Math.floor(answerBytes / 2);
    expect(limit).toBeGreaterThan(4096); // the mounts, not the call, make it large
    const small = await start('small-calls', limit);
    expect(await disk(small)).toEqual({ ok: false, code: 'OMEGA_ERR_PLUGIN_LIMIT' });
    expect(await disk(small, 'read')).toEqual({ ok: false, code: 'OMEGA_ERR_PLUGIN_LIMIT' });
    await small.dispose();
  });

  it('answers the whole reading when it fits', async () => {
    const roomy = await start('roomy-calls', answerBytes);
    expect(await disk(roomy)).toEqual({ ok: true, filesystems: MOUNTS });
    expect(await disk(roomy, 'read')).toEqual({ ok: true, filesystems: MOUNTS });
    await roomy.dispose();
  });
});
