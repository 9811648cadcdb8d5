import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of Omega's package.json, found by walking up from this module (works from source and from dist/). */
export function findPackageRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'omega')
      return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`Omega's package.json not found above ${from}`);
    dir = up;
  }
}

/** The repository (package) root. */
export const PACKAGE_ROOT: string = findPackageRoot();
