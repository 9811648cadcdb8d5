import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { removeAtFileEnd } from '../helpers/temp-kernel.js';

/** The dashboard plugin's folder in the repo. */
export const DASHBOARD_DIR = join(import.meta.dirname, '..', '..', 'plugins', 'dashboard');

let built: Promise<string> | undefined;

/**
 * Builds the dashboard UI with its own Vite config into a temp folder (once per test process),
 * so each test file serves exactly the current sources and parallel files never share output.
 * The folder goes at the test file's end (the kernels serve copies of it, see writeRepoPlugins).
 */
export function buildUi(): Promise<string> {
  built ??= (async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'omega-dashboard-ui-'));
    removeAtFileEnd(outDir);
    await build({
      configFile: join(DASHBOARD_DIR, 'ui', 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });
    return outDir;
  })();
  return built;
}
