import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeIntegrity } from '../../kernel/plugins/index.js';

/**
 * Writes `<root>/<name>/` as a built plugin, flat: plugin.json (with `main` and `integrity`, as
 * `omega-plugin build` writes dist/plugin.json and an install writes the plugin's folder) beside
 * its bundle (override any field).
 */
export function writePluginDir(
  root: string,
  name: string,
  code: string,
  manifest: Record<string, unknown>,
): void {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'plugin.js'), code);
  writeFileSync(
    join(dir, 'plugin.json'),
    JSON.stringify({
      name,
      version: '1.0.0',
      engines: { omega: '>=0.1.0' },
      main: 'plugin.js',
      integrity: computeIntegrity(Buffer.from(code)),
      ...manifest,
    }),
  );
}
