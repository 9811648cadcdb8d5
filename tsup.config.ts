import { copyFile } from 'node:fs/promises';
import { build } from 'esbuild';
import { defineConfig } from 'tsup';

/**
 * The plugin-host process entry (one isolate per host), as CommonJS (dist/plugin-host.cjs):
 * started as an ES module, every host also loaded Node's ESM loader and the builtins it needs,
 * ~0.8 MB more RSS per host (bench/host-memory.bench.ts). Third-party packages (isolated-vm)
 * stay external, Omega's own are bundled from source, as in the config below.
 */
const buildPluginHost = () =>
  build({
    entryPoints: ['kernel/sandbox/host/main.ts'],
    outfile: 'dist/plugin-host.cjs',
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    conditions: ['source'],
    logLevel: 'warning',
    plugins: [
      {
        name: 'third-party-external',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (a) =>
            a.path.startsWith('@omega/') ? undefined : { external: true },
          );
        },
      },
    ],
  });

/**
 * Builds the kernel CLI and the plugin test harness (`omega/testing`, see package.json exports)
 * into dist/, then the plugin-host entry ({@link buildPluginHost}). Omega's own workspace
 * packages (@omega/*) are bundled in from their sources, so the packed `omega` package needs
 * only its third-party dependencies. dist/testing.d.ts comes from tsup.types.config.ts.
 */
export default defineConfig({
  entry: {
    cli: 'cli/main.ts',
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
  onSuccess: async () => {
    await copyFile('agent/src/exec/supervisor/omega-shim.c', 'dist/omega-shim.c');
    await buildPluginHost();
  },
});
