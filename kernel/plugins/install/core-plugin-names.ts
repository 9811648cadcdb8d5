import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BUNDLED_PLUGINS_DIR } from '../manager/plugin-paths.js';

async function namesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    if (!e.isDirectory() || e.name.startsWith('.')) continue;
    if (
      await stat(join(dir, e.name, 'plugin.json')).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      out.push(e.name);
  }
  return out;
}

/**
 * Names of the core plugins: every plugin folder in the configured bundled folders and in the
 * plugins/ folder Omega ships with (even when this kernel is configured without it, so a
 * third-party `security` never takes a core plugin's name). Nothing may be installed under them.
 */
export async function corePluginNames(bundledDirs: readonly string[]): Promise<Set<string>> {
  const dirs = [...new Set([...bundledDirs, BUNDLED_PLUGINS_DIR])];
  return new Set((await Promise.all(dirs.map(namesIn))).flat());
}
