import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sealUi } from '../../plugins/dashboard/scripts/seal-ui.js';
import { buildPlugin } from '../../sdk/src/build/index.js';
import { removeDir, startTempKernel } from '../helpers/temp-kernel.js';

/** The repository's plugins folder. */
export const REPO_PLUGINS = join(import.meta.dirname, '..', '..', 'plugins');

/**
 * Writes `<dir>/<name>/` for each repository plugin: built from source (manifest + bundle);
 * for `dashboard`, also the UI built in `uiDir`, copied to its `ui.root` and sealed in this
 * copy's manifest (the repository's plugin.json is left as it is); `entry` replaces its ui.entry.
 */
export async function writeRepoPlugins(
  dir: string,
  names: string[],
  uiDir: string,
  entry?: string,
): Promise<void> {
  for (const name of names) {
    await buildPlugin(join(REPO_PLUGINS, name));
    const target = join(dir, name);
    mkdirSync(join(target, 'dist'), { recursive: true });
    copyFileSync(join(REPO_PLUGINS, name, 'plugin.json'), join(target, 'plugin.json'));
    copyFileSync(join(REPO_PLUGINS, name, 'dist', 'plugin.js'), join(target, 'dist', 'plugin.js'));
    if (name === 'dashboard') {
      cpSync(uiDir, join(target, 'dist', 'ui'), { recursive: true });
      if (entry !== undefined) {
        const manifest = JSON.parse(readFileSync(join(target, 'plugin.json'), 'utf8'));
        manifest.ui.entry = entry;
        writeFileSync(join(target, 'plugin.json'), JSON.stringify(manifest, null, 2));
      }
      await sealUi(target);
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
