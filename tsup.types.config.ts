import { defineConfig } from 'tsup';

/**
 * The declarations of the omega package's library entry, `omega/testing` (dist/testing.d.ts),
 * one bundled file with @omega/* types inlined (the package does not depend on them). Slow (it
 * type-checks the kernel), so only `npm pack` runs it (`prepack` → `npm run build:types`).
 */
export default defineConfig({
  entry: { testing: 'kernel/testing/index.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  clean: false,
  dts: { only: true, resolve: [/^@omega\//] },
  esbuildOptions(options) {
    options.conditions = ['source'];
  },
});
