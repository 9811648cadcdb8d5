import { relative, resolve } from 'node:path';
import { buildPlugin } from '../../build/index.js';
import { packPlugin } from '../../pack/index.js';
import { signPlugin } from '../../sign/index.js';
import { pluginDir, type SdkCommand } from '../sdk-command.js';

/** `omega-plugin pack [dir]`: one archive with the built manifest, the bundle, the UI files and the signature. */
export const packCommand: SdkCommand = {
  name: 'pack',
  summary:
    'Pack dist/plugin.json, the bundle, the UI files (ui.root) and the signature into <name>-<version>.omega-plugin (refuses a stale dist/).',
  usage: 'omega-plugin pack [DIR] [--key PRIVATE.jwk] [--out DIR] [--build]',
  options: {
    key: {
      type: 'string',
      description: 'Sign first with this publisher private JWK (same as omega-plugin sign)',
    },
    out: { type: 'string', description: 'Where to write the archive (default: .)' },
    build: { type: 'boolean', description: 'Build first (same as omega-plugin build)' },
  },
  async run(values, positionals, cwd) {
    const dir = pluginDir(positionals, cwd);
    const out = resolve(cwd, typeof values.out === 'string' ? values.out : '.');
    if (values.build === true) await buildPlugin(dir);
    if (typeof values.key === 'string') await signPlugin(dir, resolve(cwd, values.key));
    const p = await packPlugin(dir, out);
    process.stdout.write(
      `${relative(cwd, p.file) || p.file}: ${p.name}@${p.version}, ${p.bytes} bytes, signed by ${p.kid}\n`,
    );
    return 0;
  },
};
