import { relative, resolve } from 'node:path';
import { packPlugin } from '../../pack/index.js';
import { signPlugin } from '../../sign/index.js';
import type { SdkCommand } from '../sdk-command.js';

/** `omega-plugin pack [dir]`: one archive with manifest, bundle and signature. */
export const packCommand: SdkCommand = {
  name: 'pack',
  summary: 'Pack plugin.json, the bundle and the signature into <name>-<version>.omega-plugin.',
  usage: 'omega-plugin pack [DIR] [--key PRIVATE.jwk] [--out DIR]',
  options: {
    key: {
      type: 'string',
      description: 'Sign first with this publisher private JWK (same as omega-plugin sign)',
    },
    out: { type: 'string', description: 'Where to write the archive (default: .)' },
  },
  async run(values, positionals, cwd) {
    const dir = resolve(cwd, positionals[0] ?? '.');
    const out = resolve(cwd, typeof values.out === 'string' ? values.out : '.');
    if (typeof values.key === 'string') await signPlugin(dir, resolve(cwd, values.key));
    const p = await packPlugin(dir, out);
    process.stdout.write(
      `${relative(cwd, p.file) || p.file}: ${p.name}@${p.version}, ${p.bytes} bytes, signed by ${p.kid}\n`,
    );
    return 0;
  },
};
