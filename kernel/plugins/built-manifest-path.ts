import { stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Where `omega-plugin build` writes the manifest the kernel loads, relative to a plugin source folder. */
export const BUILT_MANIFEST = 'dist/plugin.json';

/**
 * The manifest the kernel loads from plugin folder `dir`: `dist/plugin.json` when the folder is a
 * built plugin source (the build's output: the author's manifest plus `main` and `integrity`,
 * next to the bundle), else `plugin.json` (an installed plugin or a hand-made one, flat).
 * `main` is relative to the folder of the manifest returned.
 */
export async function builtManifestPath(dir: string): Promise<string> {
  const built = join(dir, BUILT_MANIFEST);
  const isFile = await stat(built).then(
    (s) => s.isFile(),
    () => false,
  );
  return isFile ? built : join(dir, 'plugin.json');
}
