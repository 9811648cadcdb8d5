import { relative } from 'node:path';
import { initPlugin } from '../../scaffold/index.js';
import { type SdkCommand, SdkUsageError } from '../sdk-command.js';

/** `omega-plugin init <name>`: scaffold a plugin folder. */
export const initCommand: SdkCommand = {
  name: 'init',
  summary: 'Create <name>/ with plugin.json, src/index.ts, a test and tsconfig.json.',
  usage: 'omega-plugin init NAME',
  options: {},
  async run(_values, positionals, cwd) {
    const [name, ...extra] = positionals;
    if (!name || extra.length) throw new SdkUsageError('init needs exactly one plugin name');
    const { dir, files } = await initPlugin(cwd, name);
    const rel = relative(cwd, dir);
    process.stdout.write(`created ${rel}/: ${files.join(', ')}\nnext: cd ${rel} && omega-plugin test\n`);
    return 0;
  },
};
