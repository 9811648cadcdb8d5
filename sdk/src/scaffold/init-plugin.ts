import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { omegaError, PLUGIN_NAME_RE } from '@omega/protocol';
import { KERNEL_VERSION } from '../../../kernel/version.js';
import { scaffoldFiles } from './scaffold-files.js';

/**
 * Creates `<parent>/<name>/` with plugin.json, package.json, tsconfig.json, src/index.ts and a
 * test. Refuses a bad name or an existing folder that is not empty.
 */
export async function initPlugin(parent: string, name: string): Promise<{ dir: string; files: string[] }> {
  if (!PLUGIN_NAME_RE.test(name)) {
    throw omegaError(
      'OMEGA_ERR_VALIDATION',
      `"${name}" is not a plugin name: use 2–40 of [a-z0-9-], starting with a letter.`,
      {
        errors: [{ field: 'name', message: 'must match ^[a-z][a-z0-9-]{1,39}$' }],
      },
    );
  }
  const dir = join(parent, name);
  if (existsSync(join(dir, 'plugin.json'))) {
    throw omegaError('OMEGA_ERR_ALREADY_EXISTS', `${dir} already holds a plugin.`, { dir });
  }
  const files = scaffoldFiles({ name, omegaRange: `>=${KERNEL_VERSION}` });
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), content, { flag: 'wx' });
  }
  return { dir, files: Object.keys(files) };
}
