import { readFileSync } from 'node:fs';

function findVersion(): string {
  // Source (kernel/version.ts) and bundle (dist/cli.js) both sit one level below the package root.
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** The kernel's semver version (plugins' `engines.omega` ranges are checked against it). */
export const KERNEL_VERSION: string = findVersion();
