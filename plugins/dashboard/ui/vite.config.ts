import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';

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
  // Workspace packages (@omega/sdk/panel: the panel wire protocol) from their TypeScript sources,
  // as the tests read them: no stale dist/ between an sdk change and the dashboard that speaks it.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  // `npm run dev -w plugins/dashboard`: the API and the event stream of a running kernel (OMEGA_URL).
  server: {
    proxy: {
      '/api': { target: process.env.OMEGA_URL ?? 'http://127.0.0.1:7700', ws: true, changeOrigin: true },
    },
  },
});
