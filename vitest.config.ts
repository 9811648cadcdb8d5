import { join } from 'node:path';
import { defaultServerConditions } from 'vite';
import { configDefaults, defineConfig } from 'vitest/config';

// Workspace packages export their TypeScript sources under the `source` condition: tests run
// against the sources, published packages against their built dist/.
const conditions = ['source', ...defaultServerConditions];
// `omega/testing` is this (root) package's own export, which the sdk's testing entry imports;
// in the repository it is the source (the root package is not in node_modules).
const alias = [
  { find: /^omega\/testing$/, replacement: join(import.meta.dirname, 'kernel/testing/index.ts') },
];
const PACKAGING = 'tests/packaging/**/*.test.ts';

export default defineConfig({
  resolve: { conditions, alias },
  ssr: { resolve: { conditions } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'omega',
          include: [
            'tests/**/*.test.ts',
            'kernel/**/*.test.ts',
            'protocol/test/**/*.test.ts',
            'plugins/*/test/**/*.test.ts',
            'agent/test/**/*.test.ts',
            'hostinfo/test/**/*.test.ts',
          ],
          exclude: [...configDefaults.exclude, PACKAGING],
        },
      },
      {
        // Packs protocol, sdk and omega (their prepack rebuilds dist/ folders the other tests
        // use), so it runs after every other test file, alone.
        extends: true,
        test: { name: 'packaging', include: [PACKAGING], sequence: { groupOrder: 1 } },
      },
    ],
  },
});
