import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KernelConfigInput } from '../../kernel/config/index.js';
import { buildPlugin } from '../../sdk/src/build/index.js';
import { startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';

/** The metrics plugin's source folder in the repo. */
export const METRICS_DIR = join(import.meta.dirname, '..', '..', 'plugins', 'metrics');

let built: Promise<unknown> | undefined;

/** Builds the plugin once per test process (`omega-plugin build`: dist/plugin.js + dist/plugin.json). */
export function buildMetrics(): Promise<unknown> {
  // types: the root `npm run check` covers plugins/
  built ??= buildPlugin(METRICS_DIR, { typecheck: false });
  return built;
}

/**
 * A temp plugins dir holding a copy of the built metrics plugin (manifest + bundle, as
 * shipped) and a grants file granting what its manifest declares, plus `grant` (e.g. the
 * `net:fetch:<origin>` of a webhook receiver: the manifest asks for `net:fetch:*`, origins
 * of the operator's choosing) and the operator's route overrides.
 */
export async function metricsPluginsDir(
  opts: { grant?: string[]; routes?: Record<string, string> } = {},
): Promise<{ dir: string; grantsFile: string }> {
  await buildMetrics();
  const dir = mkdtempSync(join(tmpdir(), 'omega-metrics-plugins-'));
  const target = join(dir, 'metrics');
  mkdirSync(join(target, 'dist'), { recursive: true });
  cpSync(join(METRICS_DIR, 'dist', 'plugin.js'), join(target, 'dist', 'plugin.js'));
  cpSync(join(METRICS_DIR, 'dist', 'plugin.json'), join(target, 'dist', 'plugin.json'));
  // its dashboard panel (ui.root, sealed in the built manifest): the kernel refuses the plugin without it
  cpSync(join(METRICS_DIR, 'panels'), join(target, 'panels'), { recursive: true });
  const manifest = JSON.parse(readFileSync(join(METRICS_DIR, 'plugin.json'), 'utf8')) as {
    permissions: string[];
  };
  const granted = [...manifest.permissions.filter((p) => p !== 'net:fetch:*'), ...(opts.grant ?? [])];
  const grantsFile = join(dir, 'grants.json');
  writeFileSync(
    grantsFile,
    JSON.stringify({ metrics: { granted, denied: [], ...(opts.routes ? { routes: opts.routes } : {}) } }),
  );
  return { dir, grantsFile };
}

/** Starts a real kernel loading only the metrics plugin from `plugins` (reuse `dataDir` to restart). */
export function startMetricsKernel(
  plugins: { dir: string; grantsFile: string },
  overrides: KernelConfigInput = {},
): Promise<TempKernel> {
  return startTempKernel({
    ...overrides,
    plugins: { dirs: [plugins.dir], grantsFile: plugins.grantsFile, warmHosts: 0, ...overrides.plugins },
  });
}

/** Polls `check` every 100 ms until it returns something truthy (the test's own timeout bounds it). */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
): Promise<T> {
  for (;;) {
    const v = await check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}
