import { defineConfig } from 'tsup';

/** Builds the kernel CLI (and, later, the plugin-host entry) into dist/. */
export default defineConfig({
  entry: { cli: 'kernel/cli/main.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  splitting: false,
  banner: { js: '#!/usr/bin/env node' },
});
