import { defineConfig } from 'tsup';

/**
 * @omega/protocol as published: one ES module per source file (not one bundle), so a plugin
 * bundler keeps only the modules a plugin really uses (`sideEffects: false`). Declarations are
 * emitted by `tsc` in `prepack` (see package.json).
 */
export default defineConfig({
  entry: ['src/**/*.ts'],
  bundle: false,
  format: ['esm'],
  target: 'es2022',
  platform: 'node',
  sourcemap: true,
  clean: true,
});
