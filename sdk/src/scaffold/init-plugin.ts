import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { omegaError, PLUGIN_NAME_RE } from '@omega/protocol';
import { sdkPackage } from '../cli/sdk-package.js';
import { scaffoldFiles } from './scaffold-files.js';

/** Options of {@link initPlugin}. */
export interface InitOptions {
  /** The `@omega/sdk` devDependency spec (default: `file:` the running sdk's package folder). */
  sdk?: string;
  /** Also write a dashboard panel using `@omega/sdk/panel` (ui/, panel/hello.ts, esbuild to bundle it). */
  panel?: boolean;
}

/** What {@link initPlugin} wrote and linked. */
export interface InitResult {
  dir: string;
  files: string[];
  /** The `@omega/sdk` spec written. */
  sdk: string;
  /** The `omega` (kernel) spec written, or undefined when no installed Omega was found. */
  omega?: string;
}

/** Ranges of the tools a plugin project uses (the sdk's own TypeScript range, when it declares one). */
function toolRanges(): Record<string, string> {
  return {
    typescript: sdkPackage().dependencies.typescript ?? '^5.9.3',
    vitest: '^4.1.12',
    '@types/node': `^${process.versions.node.split('.')[0]}`,
  };
}

/** `file:` + the path to `target`: relative when it lies under `parent` (moves with the project), else absolute. */
function fileSpec(target: string, parent: string, pluginDir: string): string {
  const under = relative(parent, target);
  const inside = under !== '' && !under.startsWith('..') && !isAbsolute(under);
  return `file:${inside ? relative(pluginDir, target) : target}`;
}

/**
 * The installed Omega kernel package (`omega` with `omega/testing`), as the sdk sees it or as the
 * project in `parent` does: its folder and version. The unrelated public `omega` package does not count.
 */
function findOmega(parent: string): { root: string; version: string } | undefined {
  for (const from of [join(sdkPackage().root, 'package.json'), join(parent, 'package.json')]) {
    try {
      const pkgPath = realpathSync(createRequire(from).resolve('omega/package.json'));
      const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as {
        exports?: Record<string, unknown>;
        version?: string;
      };
      if (pkg.exports?.['./testing'] !== undefined)
        return { root: dirname(pkgPath), version: String(pkg.version) };
    } catch {
      // not installed there
    }
  }
  return undefined;
}

/**
 * Creates `<parent>/<name>/`: plugin.json (no main/integrity: the build adds them in dist/),
 * package.json named `<name>` with devDependencies `@omega/sdk` (`file:` the running sdk's
 * package folder, or `opts.sdk`), `omega` (`file:` the installed kernel, when found),
 * typescript, @types/node and vitest; tsconfig.json, src/index.ts, a test and a README. With
 * `panel`, also a dashboard panel (`ui/`, `panel/hello.ts` using `@omega/sdk/panel`) and esbuild to bundle it.
 * Refuses a bad name or a folder that already holds a plugin.
 */
export async function initPlugin(parent: string, name: string, opts: InitOptions = {}): Promise<InitResult> {
  if (!PLUGIN_NAME_RE.test(name)) {
    throw omegaError(
      'OMEGA_ERR_VALIDATION',
      `"${name}" is not a plugin name: use 2–40 of [a-z0-9-], starting with a letter.`,
      {
        errors: [{ field: 'name', message: 'must match ^[a-z][a-z0-9-]{1,39}$' }],
      },
    );
  }
  const base = resolve(parent);
  const dir = join(base, name);
  if (existsSync(join(dir, 'plugin.json'))) {
    throw omegaError('OMEGA_ERR_ALREADY_EXISTS', `${dir} already holds a plugin.`, { dir });
  }
  const sdk = opts.sdk ?? fileSpec(sdkPackage().root, base, dir);
  const omega = findOmega(base);
  const omegaSpec = omega ? fileSpec(omega.root, base, dir) : undefined;
  const files = scaffoldFiles({
    name,
    omegaRange: `>=${omega?.version ?? sdkPackage().version}`,
    devDependencies: {
      '@omega/sdk': sdk,
      ...(omegaSpec ? { omega: omegaSpec } : {}),
      ...toolRanges(),
      ...(opts.panel ? { esbuild: sdkPackage().dependencies.esbuild ?? '^0.27.7' } : {}),
    },
    ...(opts.panel ? { panel: true } : {}),
  });
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), content, { flag: 'wx' });
  }
  return { dir, files: Object.keys(files), sdk, ...(omegaSpec ? { omega: omegaSpec } : {}) };
}
