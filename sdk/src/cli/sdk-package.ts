import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The running sdk's own package: where it is installed and what its package.json says. */
export interface SdkPackage {
  /** The sdk's package folder (real path: where npm installed it, or sdk/ in the repository). */
  root: string;
  version: string;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
}

let cached: SdkPackage | undefined;

/** The running sdk's package, found by walking up from this module (works from src/ and dist/). */
export function sdkPackage(): SdkPackage {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Partial<SdkPackage> & {
        name?: string;
      };
      if (pkg.name === '@omega/sdk') {
        cached = {
          root: dir,
          version: String(pkg.version),
          dependencies: pkg.dependencies ?? {},
          peerDependencies: pkg.peerDependencies ?? {},
        };
        return cached;
      }
    } catch {
      // no package.json here: keep walking up
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`@omega/sdk's package.json not found above ${import.meta.url}`);
    dir = up;
  }
}
