// `npm install` in the checkout builds what its bins run (`npx omega`, `npx omega-agent`: dist/
// and agent/dist/ are not in git). Skipped where it cannot or must not run: on `npm pack` /
// `npm publish` npm runs prepare after prepack, whose build already ran — a second tsup clean
// would drop dist/testing.d.ts from the tarball; and without dev dependencies (no tsup).
//
// Installed from the packed tarball (a dependency of another project: npm runs a tarball
// dependency's prepare too), there are no sources to build and dist/ is in the package: nothing.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const command = process.env.npm_command ?? '';
if (command === 'pack' || command === 'publish') process.exit(0);
if (!existsSync(new URL('../kernel/index.ts', import.meta.url))) process.exit(0);
try {
  createRequire(import.meta.url).resolve('tsup');
} catch {
  console.error(
    'omega: no dev dependencies (tsup): not building dist/; npm install without --omit=dev to build',
  );
  process.exit(0);
}
execSync('npm run build --silent', { stdio: 'inherit' });
