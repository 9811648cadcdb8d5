import { copyFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';

/**
 * @omega/agent as published: the library entry and the `omega-agent` program, with Omega's own
 * workspace packages (@omega/protocol, @omega/hostinfo) bundled in from their sources, so the
 * packed agent needs only its four third-party dependencies.
 */
export default defineConfig({
  entry: { index: 'src/index.ts', main: 'src/main.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  splitting: true,
  noExternal: [/^@omega\//],
  esbuildOptions(options) {
    options.conditions = ['source'];
  },
  // The session executor compiles its C supervisor from this source on first use (build-shim.ts).
  onSuccess: () => copyFile('src/exec/supervisor/omega-shim.c', 'dist/omega-shim.c'),
});
