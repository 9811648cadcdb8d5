import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** How to start a plugin-host process: node flags plus the entry file. */
export interface HostEntry {
  execArgv: string[];
  file: string;
}

/**
 * Picks the plugin-host entry: `dist/plugin-host.cjs` beside the built kernel (CommonJS, built
 * by tsup.config.ts: no ESM loader in every host), else a `plugin-host.js` bundle there (an ES
 * module, as other builds lay it out), or, when the kernel runs from source (vitest, tsx),
 * `host/main.ts` run through tsx's loader. Always with `--no-node-snapshot` (isolated-vm needs
 * it on Node 20+).
 */
export function resolveHostEntry(): HostEntry {
  const here = import.meta.url;
  if (!here.endsWith('.ts'))
    for (const name of ['./plugin-host.cjs', './plugin-host.js']) {
      const built = fileURLToPath(new URL(name, here));
      if (existsSync(built)) return { execArgv: ['--no-node-snapshot'], file: built };
    }
  const source = fileURLToPath(new URL('./host/main.ts', here));
  const tsx = createRequire(here).resolve('tsx');
  return {
    execArgv: ['--no-node-snapshot', '--conditions=source', '--import', pathToFileURL(tsx).href],
    file: source,
  };
}
