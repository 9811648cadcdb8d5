import { relative, resolve } from 'node:path';
import { buildPlugin } from '../../build/index.js';
import type { SdkCommand } from '../sdk-command.js';

/** `omega-plugin build [dir]`: bundle src/index.ts into dist/plugin.js and fill the manifest. */
export const buildCommand: SdkCommand = {
  name: 'build',
  summary: 'Bundle src/index.ts into dist/plugin.js and set plugin.json main and integrity.',
  usage: 'omega-plugin build [DIR]',
  options: {},
  async run(_values, positionals, cwd) {
    const dir = resolve(cwd, positionals[0] ?? '.');
    const b = await buildPlugin(dir);
    process.stdout.write(
      `${b.manifest.name}@${b.manifest.version}: ${relative(cwd, b.bundlePath) || b.bundlePath} ${b.bytes} bytes, ${b.integrity.slice(0, 20)}…${b.changed ? '' : ' (unchanged)'}\n`,
    );
    return 0;
  },
};
