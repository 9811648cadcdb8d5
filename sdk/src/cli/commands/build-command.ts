import { relative } from 'node:path';
import { buildPlugin } from '../../build/index.js';
import { pluginDir, type SdkCommand } from '../sdk-command.js';

/** `omega-plugin build [dir]`: type-check, bundle src/index.ts, write dist/plugin.js and dist/plugin.json. */
export const buildCommand: SdkCommand = {
  name: 'build',
  summary: 'Type-check, bundle src/index.ts into dist/plugin.js, write dist/plugin.json (main, integrity).',
  usage: 'omega-plugin build [DIR] [--no-typecheck]',
  options: {
    'no-typecheck': {
      type: 'boolean',
      description: 'Skip the type check (only where another step checks the types, e.g. npm run check)',
    },
  },
  async run(values, positionals, cwd) {
    const dir = pluginDir(positionals, cwd);
    const b = await buildPlugin(dir, { typecheck: values['no-typecheck'] !== true });
    for (const note of b.notes) process.stdout.write(`note: ${note}\n`);
    process.stdout.write(
      `${b.manifest.name}@${b.manifest.version}: ${relative(cwd, b.bundlePath) || b.bundlePath} ${b.bytes} bytes, ${b.integrity.slice(0, 20)}…${b.changed ? '' : ' (unchanged)'}\n`,
    );
    return 0;
  },
};
