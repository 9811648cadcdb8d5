import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../kernel/index.js';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { writePluginDir } from '../helpers/write-plugin-dir.js';
import { writePluginUi } from '../helpers/write-plugin-ui.js';

/** The kernel's panel API (issue #19) with a real kernel and a real plugin folder: grants, listing, actions. */
describe('panel grants, listing and confirmed actions', () => {
  let k: TempKernel;
  let dir: string;
  const json = (body: unknown) => ({
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'omega-panel-routes-'));
    writePluginDir(dir, 'charts', 'export const plugin = {};\n', {});
    const page = '<!doctype html><script src="./p.js"></script>';
    await writePluginUi(
      join(dir, 'charts'),
      'ui',
      {
        'index.html': '<!doctype html><title>charts</title>',
        'panels/a/index.html': page,
        'panels/a/p.js': '',
        'panels/b/index.html': page,
        'panels/b/p.js': '',
      },
      {
        panels: [
          { id: 'a', title: 'A', slot: 'node-page', entry: 'panels/a/index.html', actions: ['charts.reset'] },
          { id: 'b', title: 'B', slot: 'dashboard', entry: 'panels/b/index.html', topics: ['metrics.**'] },
        ],
      },
    );
    writeFileSync(join(dir, 'grants.json'), JSON.stringify({ charts: { granted: [], denied: [] } }));
    k = await startTempKernel({ plugins: { dirs: [dir], warmHosts: 0 } });
  });

  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
    removeDir(dir);
  });

  const listed = async () =>
    (
      (await (await k.api('/api/v1/ui/panels')).json()) as { items: Array<{ plugin: string; id: string }> }
    ).items.map((p) => `${p.plugin}/${p.id}`);

  it('lists no panel until the operator grants it; grants and revokes per panel, shown in the plugin view', async () => {
    expect(await listed()).toEqual([]);
    const info = (await (await k.api('/api/v1/plugins/charts')).json()) as {
      panels: Array<{ id: string; granted: boolean; actions: string[] }>;
    };
    expect(info.panels.map((p) => [p.id, p.granted])).toEqual([
      ['a', false],
      ['b', false],
    ]);
    const put = await k.api('/api/v1/plugins/charts/panels', {
      method: 'PUT',
      ...json({ panels: ['a', 'b'] }),
    });
    expect(put.status).toBe(200);
    expect(await listed()).toEqual(['charts/a', 'charts/b']);
    expect(
      (await k.api('/api/v1/plugins/charts/panels', { method: 'PUT', ...json({ panels: ['a'] }) })).status,
    ).toBe(200);
    expect(await listed()).toEqual(['charts/a']);
    const after = (await (await k.api('/api/v1/plugins/charts')).json()) as {
      panels: Array<{ id: string; granted: boolean }>;
    };
    expect(after.panels.map((p) => [p.id, p.granted])).toEqual([
      ['a', true],
      ['b', false],
    ]);
  });

  it('refuses a panel the plugin does not declare, and any caller but an admin', async () => {
    const bad = await k.api('/api/v1/plugins/charts/panels', { method: 'PUT', ...json({ panels: ['zz'] }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe('OMEGA_ERR_VALIDATION');
    const anon = await k.api('/api/v1/plugins/charts/panels', {
      method: 'PUT',
      token: false,
      ...json({ panels: [] }),
    });
    expect(anon.status).toBe(401);
  });

  it('carries out a declared action of a granted panel (published for the plugin), refuses the rest', async () => {
    const seen: BusEvent[] = [];
    const sub = k.kernel.bus.subscribe(['ui.action.*'], (batch) => {
      seen.push(...batch);
    });
    const ok = await k.api('/api/v1/ui/panels/charts/a/actions', {
      method: 'POST',
      ...json({ action: 'charts.reset', args: { node: 'n1' } }),
    });
    expect(ok.status).toBe(202);
    await expect
      .poll(() => seen.map((e) => [e.topic, (e.data as { action: string }).action]))
      .toEqual([['ui.action.charts', 'charts.reset']]);
    const forged = await k.api('/api/v1/ui/panels/charts/a/actions', {
      method: 'POST',
      ...json({ action: 'nodes.drain' }),
    });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { code: string }).code).toBe('OMEGA_ERR_PERM_DENIED');
    const revoked = await k.api('/api/v1/ui/panels/charts/b/actions', {
      method: 'POST',
      ...json({ action: 'charts.reset' }),
    });
    expect(revoked.status).toBe(404);
    const hostile = await k.api('/api/v1/ui/panels/charts/a/actions', {
      method: 'POST',
      ...json({ action: 'charts.reset', args: { x: { nested: true } } }),
    });
    expect(hostile.status).toBe(400);
    sub.unsubscribe();
    expect(seen).toHaveLength(1);
  });

  it('records a panel the dashboard stopped (audited), only for a granted panel and a known cause', async () => {
    const seen: BusEvent[] = [];
    const sub = k.kernel.bus.subscribe(['plugins.admin.panel-stopped'], (batch) => {
      seen.push(...batch);
    });
    const ok = await k.api('/api/v1/ui/panels/charts/a/incidents', {
      method: 'POST',
      ...json({ code: 'flood', detail: '500 messages in 1 s' }),
    });
    expect(ok.status).toBe(202);
    expect(await ok.json()).toMatchObject({
      plugin: 'charts',
      panel: 'a',
      code: 'flood',
      status: 'recorded',
    });
    await expect
      .poll(() => seen.map((e) => e.data as { plugin: string; details: { code: string; detail: string } }))
      .toEqual([
        expect.objectContaining({
          plugin: 'charts',
          details: expect.objectContaining({ panel: 'a', code: 'flood', detail: '500 messages in 1 s' }),
        }),
      ]);
    const unknownCause = await k.api('/api/v1/ui/panels/charts/a/incidents', {
      method: 'POST',
      ...json({ code: 'bored' }),
    });
    expect(unknownCause.status).toBe(400);
    const revoked = await k.api('/api/v1/ui/panels/charts/b/incidents', {
      method: 'POST',
      ...json({ code: 'flood' }),
    });
    expect(revoked.status).toBe(404);
    const anon = await k.api('/api/v1/ui/panels/charts/a/incidents', {
      method: 'POST',
      token: false,
      ...json({ code: 'flood' }),
    });
    expect(anon.status).toBe(401);
    sub.unsubscribe();
  });

  it('keeps a revocation across a kernel restart; a revoked panel can report no incident', async () => {
    await k.stop();
    k = await startTempKernel({ dataDir: k.dataDir, plugins: { dirs: [dir], warmHosts: 0 } });
    expect(await listed()).toEqual(['charts/a']);
    const incident = (panel: string) =>
      k.api(`/api/v1/ui/panels/charts/${panel}/incidents`, {
        method: 'POST',
        ...json({ code: 'protocol', detail: 'sent a malformed message' }),
      });
    expect((await incident('b')).status).toBe(404);
    expect((await incident('a')).status).toBe(202);
  });
});
