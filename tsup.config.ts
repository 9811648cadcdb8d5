import { copyFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';

/**
 * Builds the kernel CLI, the plugin-host process entry (one isolate per host) and the plugin
 * test harness (`omega/testing`, see package.json exports) into dist/. Omega's own workspace
 * packages (@omega/*) are bundled in from their sources, so the packed `omega` package needs
 * only its third-party dependencies. dist/testing.d.ts comes from tsup.types.config.ts.
 */
export default defineConfig({
  entry: {
    cli: 'cli/main.ts',
    'plugin-host': 'kernel/sandbox/host/main.ts',
    testing: 'kernel/testing/index.ts',
  },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  splitting: false,
  noExternal: [/^@omega\//],
  banner: { js: '#!/usr/bin/env node' },
  esbuildOptions(options) {
    options.conditions = ['source'];
  },
  // The session executor compiles its C supervisor from source on first use (agent/src/exec/
  // supervisor/build-shim.ts): the source travels beside the bundle that imports it.
  onSuccess: () => copyFile('agent/src/exec/supervisor/omega-shim.c', 'dist/omega-shim.c'),
});
