import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { computeIntegrity } from '../../kernel/plugins/index.js';

/** A minimal valid manifest for `name` (override any field). */
export function manifestFor(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const code = bundleFor(name);
  return {
    name,
    version: '1.0.0',
    engines: { omega: '^0.1.0' },
    main: 'dist/plugin.js',
    integrity: computeIntegrity(Buffer.from(code)),
    permissions: ['storage'],
    ...extra,
  };
}

/** The bundle source the fixtures use for `name`. */
export function bundleFor(name: string): string {
  return `export const plugin = { name: ${JSON.stringify(name)} };\n`;
}

/**
 * Writes `<root>/<folder>/plugin.json` and its bundle as an installed plugin: a complete manifest
 * (`main`, `integrity`) at the folder's root, the kind discovery reads when there is no
 * dist/plugin.json (a built source folder); returns the plugin folder.
 */
export async function writePlugin(
  root: string,
  folder: string,
  manifest: Record<string, unknown> | string,
  bundle = bundleFor(folder),
): Promise<string> {
  const dir = join(root, folder);
  await mkdir(join(dir, 'dist'), { recursive: true });
  await writeFile(
    join(dir, 'plugin.json'),
    typeof manifest === 'string' ? manifest : JSON.stringify(manifest, null, 2),
  );
  await writeFile(join(dir, 'dist', 'plugin.js'), bundle);
  return dir;
}
