import { builtinModules } from 'node:module';
import { build } from 'esbuild';
import { runCommand } from './run-command.js';

/** The files in an npm tarball, relative to its package folder (`dist/cli.js`). */
export async function tarballFiles(file: string): Promise<string[]> {
  const run = await runCommand('tar', ['-tzf', file], { cwd: '/', timeoutMs: 60_000 });
  if (run.code !== 0) throw new Error(`tar -tzf ${file}: ${run.stderr}`);
  return run.stdout
    .split('\n')
    .filter(Boolean)
    .map((p) => p.replace(/^package\//, ''))
    .sort();
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
const packageOf = (specifier: string): string =>
  specifier.startsWith('@')
    ? specifier.split('/').slice(0, 2).join('/')
    : (specifier.split('/')[0] ?? specifier);

/**
 * The third-party packages that built JavaScript files import (statically or by a literal
 * dynamic import), found by esbuild following every relative import and marking packages external.
 */
export async function importedPackages(entries: string[]): Promise<string[]> {
  const result = await build({
    entryPoints: entries,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outdir: '/nonexistent-out',
    logLevel: 'silent',
  });
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  const found = new Set<string>();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const i of input.imports) {
      if (!i.external || builtins.has(i.path) || i.path.startsWith('node:')) continue;
      found.add(packageOf(i.path));
    }
  }
  return [...found].sort();
}
