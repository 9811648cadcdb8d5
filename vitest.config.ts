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
// Where tests live; `*.unit.test.ts` touch no kernel, plugin host, agent process or browser and
// run in seconds (`npm run test:unit`, the fast loop); the rest are integration tests.
const ROOTS = ['tests', 'kernel', 'protocol/test', 'plugins/*/test', 'agent/test', 'hostinfo/test'];
const UNIT = ROOTS.map((r) => `${r}/**/*.unit.test.ts`);

export default defineConfig({
  resolve: { conditions, alias },
  ssr: { resolve: { conditions } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      // One module graph for all unit files (no per-file isolation): imports are the cost there.
      { extends: true, test: { name: 'unit', include: UNIT, pool: 'threads', isolate: false } },
      {
        extends: true,
        test: {
          name: 'omega',
          include: ROOTS.map((r) => `${r}/**/*.test.ts`),
          exclude: [...configDefaults.exclude, PACKAGING, ...UNIT],
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
