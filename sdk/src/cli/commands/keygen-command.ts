import { relative, resolve } from 'node:path';
import { generatePublisherKey } from '../../sign/index.js';
import type { SdkCommand } from '../sdk-command.js';

/** `omega-plugin keygen`: a publisher Ed25519 key pair as JWK files. */
export const keygenCommand: SdkCommand = {
  name: 'keygen',
  summary: 'Make a publisher Ed25519 key pair: <name>.private.jwk (0600) and <name>.public.jwk.',
  usage: 'omega-plugin keygen [--out DIR] [--name NAME]',
  options: {
    out: { type: 'string', description: 'Folder for the key files (default: .)' },
    name: { type: 'string', description: 'File name prefix (default: publisher)' },
  },
  async run(values, _positionals, cwd) {
    const dir = resolve(cwd, typeof values.out === 'string' ? values.out : '.');
    const k = await generatePublisherKey(dir, typeof values.name === 'string' ? values.name : 'publisher');
    process.stdout.write(
      `publisher key ${k.kid}\n  private ${relative(cwd, k.privateKeyFile)} (mode 0600; keep it secret)\n  public  ${relative(cwd, k.publicKeyFile)} (give this to operators: omega plugin trust)\n`,
    );
    return 0;
  },
};
