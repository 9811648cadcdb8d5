import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
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
      ...untypedSdkNote(r.sdk, r.dir),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
};

/**
 * A `file:` sdk folder without its type declarations (an Omega checkout's sdk/: they are written
 * only when it is packed) makes the project's first build fail with TS7016 (walk). Said at once,
 * with the way that works: the packed sdk.
 */
function untypedSdkNote(spec: string, dir: string): string[] {
  if (!spec.startsWith('file:') || spec.endsWith('.tgz')) return [];
  const folder = resolve(dir, spec.slice('file:'.length));
  if (existsSync(resolve(folder, 'dist', 'index.d.ts'))) return [];
  return [
    `note: ${folder} has no type declarations (an Omega checkout's sdk gets them when packed), so the first build fails with TS7016; in the checkout run npm run pack:all, then init with --sdk file:<checkout>/packs/omega-sdk-<version>.tgz`,
  ];
}
