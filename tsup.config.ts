import { defineConfig } from 'tsup';

/** Builds the kernel CLI and the plugin-host process entry (one isolate per host) into dist/. */
export default defineConfig({
  entry: { cli: 'kernel/cli/main.ts', 'plugin-host': 'kernel/sandbox/host/main.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  splitting: false,
  banner: { js: '#!/usr/bin/env node' },
});
