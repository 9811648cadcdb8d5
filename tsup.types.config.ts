import { defineConfig } from 'tsup';

/**
 * The declarations of the omega package's library entry, `omega/testing` (dist/testing.d.ts):
 * one bundled file. The package does not depend on @omega/*, so their types are inlined:
 * mapped to their sources by `paths` (not through node_modules, which would keep them as
 * imports). Slow (it type-checks the kernel), so only `npm pack` runs it (prepack → build:types).
 */
export default defineConfig({
  entry: { testing: 'kernel/testing/index.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  clean: false,
  dts: {
    only: true,
    compilerOptions: {
      paths: {
        '@omega/protocol': ['./protocol/src/index.ts'],
        '@omega/protocol/archive': ['./protocol/src/archive/index.ts'],
        'omega/testing': ['./kernel/testing/index.ts'],
      },
    },
  },
});
