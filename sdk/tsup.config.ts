import { defineConfig } from 'tsup';

/**
 * @omega/sdk as published: one ES module per source file (not one bundle), like
 * @omega/protocol, so a plugin bundle keeps only the sdk modules it uses (`sideEffects: false`)
 * and the CLI's modules never reach a plugin. Declarations are emitted by `tsc` in `prepack`
 * (see package.json). src/docs renders this repository's plugin guide and is not published.
 */
export default defineConfig({
  entry: ['src/**/*.ts', '!src/docs/**'],
  bundle: false,
  format: ['esm'],
  target: 'es2022',
  platform: 'node',
  sourcemap: true,
  clean: true,
});
