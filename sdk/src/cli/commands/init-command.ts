import { relative } from 'node:path';
import { initPlugin } from '../../scaffold/index.js';
import { type SdkCommand, SdkUsageError } from '../sdk-command.js';

/** `omega-plugin init <name>`: scaffold a plugin folder that depends on this sdk and the installed kernel. */
export const initCommand: SdkCommand = {
  name: 'init',
  summary: 'Create <name>/: plugin.json, package.json, tsconfig.json, src/index.ts, a test and a README.',
  usage: 'omega-plugin init NAME [--sdk SPEC] [--panel]',
  options: {
    panel: {
      type: 'boolean',
      description: 'Also write a dashboard panel (ui/, panel/hello.ts with @omega/sdk/panel)',
    },
    sdk: {
      type: 'string',
      description: 'The @omega/sdk dependency spec (default: file: the folder of this sdk)',
    },
  },
  async run(values, positionals, cwd) {
    const [name, ...extra] = positionals;
    if (!name || extra.length) throw new SdkUsageError('init needs exactly one plugin name');
    const r = await initPlugin(cwd, name, {
      ...(typeof values.sdk === 'string' ? { sdk: values.sdk } : {}),
      ...(values.panel === true ? { panel: true } : {}),
    });
    const rel = relative(cwd, r.dir);
    const lines = [
      `created ${rel}/: ${r.files.join(', ')}`,
      `  @omega/sdk ${r.sdk}`,
      r.omega
        ? `  omega      ${r.omega} (the kernel the tests run against)`
        : `  omega      not found beside this sdk; for omega-plugin test add it: cd ${rel} && npm install --save-dev omega@file:<path to omega-<version>.tgz>`,
      // a panel's bundle is built by npm test's pretest (build:panel), not by omega-plugin test
      `next: cd ${rel} && npm install && ${values.panel === true ? 'npm test' : 'npx omega-plugin test'}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
};
