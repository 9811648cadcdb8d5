import { relative, resolve } from 'node:path';
import { signPlugin } from '../../sign/index.js';
import { pluginDir, type SdkCommand, SdkUsageError } from '../sdk-command.js';

/** `omega-plugin sign --key K [dir]`: detached JWS over the manifest+bundle digest. */
export const signCommand: SdkCommand = {
  name: 'sign',
  summary:
    'Sign the built plugin (detached EdDSA JWS over manifest+bundle digest) into dist/plugin.sig.json.',
  usage: 'omega-plugin sign --key PRIVATE.jwk [DIR]',
  options: { key: { type: 'string', description: "The publisher's private JWK (omega-plugin keygen)" } },
  async run(values, positionals, cwd) {
    if (typeof values.key !== 'string') throw new SdkUsageError('sign needs --key <publisher.private.jwk>');
    const dir = pluginDir(positionals, cwd);
    const s = await signPlugin(dir, resolve(cwd, values.key));
    process.stdout.write(`signed by ${s.kid}: ${relative(cwd, s.file)}\n`);
    return 0;
  },
};
