import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The dashboard's build. Output goes to ../dist/ui, which the kernel serves under
 * /ui/dashboard/ with a strict CSP (no inline script or style, no eval): so a relative base,
 * no module-preload polyfill (it would be the only inline-ish helper), hashed asset names
 * (served immutable), CSS in files, and every tab its own lazily loaded chunk.
 */
export default defineConfig({
  root: here,
  base: './',
  publicDir: 'public',
  build: {
    outDir: '../dist/ui',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    cssCodeSplit: true,
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 200,
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
});
