import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeUiIntegrity, readUiFolder } from '@omega/protocol/archive';
import { buildPlugin } from '../../sdk/src/build/index.js';
import { removeDir, startTempKernel } from '../helpers/temp-kernel.js';

/** The repository's plugins folder. */
export const REPO_PLUGINS = join(import.meta.dirname, '..', '..', 'plugins');

/**
 * Writes `<dir>/<name>/` for each repository plugin as the build ships it (dist/plugin.json +
 * dist/plugin.js); for `dashboard`, also the UI built in `uiDir` under its `ui.root`, sealed in
 * this copy's built manifest (`ui.integrity`, as `omega-plugin build` does; the repository's
 * files are left as they are); `entry` replaces its ui.entry. Another plugin's UI folder (the
 * metrics plugin's panels) is copied as `buildPlugin` sealed it.
 */
export async function writeRepoPlugins(
  dir: string,
  names: string[],
  uiDir: string,
  entry?: string,
): Promise<void> {
  for (const name of names) {
    if (name !== 'dashboard') await buildPlugin(join(REPO_PLUGINS, name), { typecheck: false }); // npm run check type-checks plugins/
    const target = join(dir, name);
    mkdirSync(join(target, 'dist'), { recursive: true });
    copyFileSync(join(REPO_PLUGINS, name, 'dist', 'plugin.js'), join(target, 'dist', 'plugin.js'));
    const built = join(target, 'dist', 'plugin.json');
    copyFileSync(join(REPO_PLUGINS, name, 'dist', 'plugin.json'), built);
    const ui = (JSON.parse(readFileSync(built, 'utf8')) as { ui?: { root: string } }).ui;
    // Any other plugin's UI (e.g. the metrics plugin's panels) ships as built: sealed by buildPlugin.
    if (ui && name !== 'dashboard')
      cpSync(join(REPO_PLUGINS, name, ui.root), join(target, ui.root), { recursive: true });
    if (name === 'dashboard') {
      const manifest = JSON.parse(readFileSync(built, 'utf8'));
      cpSync(uiDir, join(target, manifest.ui.root), { recursive: true });
      if (entry !== undefined) manifest.ui.entry = entry;
      manifest.ui.integrity = computeUiIntegrity(await readUiFolder(join(target, manifest.ui.root)));
      writeFileSync(built, JSON.stringify(manifest, null, 2));
    }
  }
}

/**
 * A real kernel whose only plugin is the dashboard, serving the UI built in `uiDir` under
 * /ui/dashboard/ (e.g. the bench's build, whose page is `bench/bench.html`).
 */
export async function startUiKernel(
  uiDir: string,
  entry?: string,
): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'omega-ui-kernel-'));
  await writeRepoPlugins(dir, ['dashboard'], uiDir, entry);
  const k = await startTempKernel({ plugins: { dirs: [dir], warmHosts: 0 } });
  return {
    url: k.url,
    async stop() {
      await k.stop();
      removeDir(k.dataDir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
