import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The node flags `npm start` gives the kernel in the checkout at `root` (its package.json `start`
 * script: `… node <flags> dist/cli.js start`), so a bench kernel of that checkout starts as
 * `npm start` starts it: its own flags for this branch, a before-build's for it. [] when the script
 * runs the kernel without flags or otherwise.
 */
export function startScriptFlags(root: string): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    scripts?: { start?: string };
  };
  const m = /(?:^|&&\s*)node((?:\s+--\S+)*)\s+dist\/cli\.js\s+start/.exec(pkg.scripts?.start ?? '');
  return m?.[1]?.trim().split(/\s+/).filter(Boolean) ?? [];
}
