import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { computeUiIntegrity, readUiFolder } from '@omega/protocol/archive';

/**
 * Writes `files` under `<pluginDir>/<root>/` and declares them in the plugin's manifest
 * (`ui.root`, `ui.integrity` computed from what is on disk now, plus any `extra` ui fields).
 */
export async function writePluginUi(
  pluginDir: string,
  root: string,
  files: Record<string, string | Uint8Array>,
  extra: Record<string, unknown> = {},
): Promise<string> {
  for (const [path, body] of Object.entries(files)) {
    const file = join(pluginDir, root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, body);
  }
  const integrity = computeUiIntegrity(await readUiFolder(join(pluginDir, root)));
  const manifestPath = join(pluginDir, 'plugin.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
  writeFileSync(manifestPath, JSON.stringify({ ...manifest, ui: { root, integrity, ...extra } }, null, 2));
  return integrity;
}
