import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeUiIntegrity, readUiFolder } from '@omega/protocol/archive';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverPlugins } from '../../kernel/plugins/index.js';
import { loadPluginUi } from '../../kernel/plugins/ui/index.js';
import { buildPlugin } from '../../sdk/src/build/index.js';
import { removeDir } from '../helpers/temp-kernel.js';

const METRICS = join(import.meta.dirname, '..', '..', 'plugins', 'metrics');

/**
 * `omega-plugin build` seals a plugin's panels (issue #19): the built manifest's `ui.integrity`
 * covers every file under `ui.root`, panel files included, so a changed panel file is refused at load.
 */
describe("build seals a plugin's panels: the metrics plugin as shipped", () => {
  const work = mkdtempSync(join(tmpdir(), 'omega-panel-seal-'));
  afterAll(() => removeDir(work));

  it('the built ui.integrity covers the panel files; the kernel loads them, with its guard first', async () => {
    const b = await buildPlugin(METRICS, { typecheck: false }); // npm run check type-checks plugins/
    const ui = b.manifest.ui;
    expect(ui?.panels.map((p) => [p.id, p.slot, p.entry])).toEqual([
      ['node-usage', 'node-page', 'node/index.html'],
    ]);
    const files = await readUiFolder(join(METRICS, 'panels'));
    expect([...files.keys()].sort()).toEqual([
      'index.html',
      'node/index.html',
      'node/panel.css',
      'node/panel.js',
    ]);
    expect(ui?.integrity).toBe(computeUiIntegrity(files));
    // As the kernel finds it: a plugin folder with dist/ and the UI folder.
    const dir = join(work, 'plugins', 'metrics');
    cpSync(join(METRICS, 'dist'), join(dir, 'dist'), { recursive: true });
    cpSync(join(METRICS, 'panels'), join(dir, 'panels'), { recursive: true });
    const found = await discoverPlugins({ dirs: [join(work, 'plugins')] });
    expect(found.errors).toEqual([]);
    const p = found.plugins[0];
    if (!p) throw new Error('metrics not discovered');
    const loaded = await loadPluginUi(dir, p.manifest, p.manifestPath);
    const page = Buffer.from(loaded?.files.get('node/index.html')?.body ?? []).toString('utf8');
    expect(page).toContain('.omega-panel-guard.js');
    expect(page.indexOf('.omega-panel-guard.js')).toBeLessThan(page.indexOf('panel.js"'));
    expect(loaded?.files.has('node/.omega-panel-guard.js')).toBe(true);
  });

  it('a panel file changed after the build is refused at discovery (OMEGA_ERR_MANIFEST_INVALID); the sealed bytes load again', async () => {
    const dir = join(work, 'tampered', 'metrics');
    cpSync(METRICS, dir, { recursive: true, filter: (src) => !src.includes('node_modules') });
    const js = join(dir, 'panels', 'node', 'panel.js');
    const original = readFileSync(js);
    writeFileSync(js, `${original.toString('utf8')}\n;globalThis.exfil = 1;\n`);
    const found = await discoverPlugins({ dirs: [join(work, 'tampered')] });
    expect(found.plugins).toEqual([]);
    expect(found.errors[0]?.error.code).toBe('OMEGA_ERR_MANIFEST_INVALID');
    expect(found.errors[0]?.error.message).toMatch(/do not match ui\.integrity/);
    // The same bytes as sealed load again: it is the panel file that was refused.
    writeFileSync(js, original);
    const again = await discoverPlugins({ dirs: [join(work, 'tampered')] });
    expect(again.errors).toEqual([]);
    expect(again.plugins.map((x) => x.manifest.name)).toEqual(['metrics']);
  });
});
