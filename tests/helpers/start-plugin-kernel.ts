import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KernelConfigInput } from '../../kernel/config/index.js';
import { removeDir, startTempKernel, type TempKernel } from './temp-kernel.js';
import { writePluginDir } from './write-plugin-dir.js';

/** One plugin a {@link startPluginKernel} kernel loads from a temp folder. */
export interface KernelPlugin {
  /** Its bundle (ESM JavaScript exporting `plugin`). */
  code: string;
  /** Manifest fields beside name, version, engines, main and integrity (permissions, routes…). */
  manifest: Record<string, unknown>;
  /** What the operator grants (default: every permission the manifest declares). */
  granted?: string[];
  /** The operator's route permission overrides (`"GET /path": "perm"`), as in the grants file. */
  routes?: Record<string, string>;
}

/** A real kernel loading {@link KernelPlugin}s; `close()` stops it and removes its data and plugin folders. */
export interface PluginKernel extends TempKernel {
  /** The temp folder holding `plugins/` and `grants.json`. */
  root: string;
  close(): Promise<void>;
}

/**
 * Writes each plugin as a built plugin (plugin.js + plugin.json with its integrity) under a temp
 * `plugins/` folder, grants what each is given in a temp grants file, and starts a real kernel on
 * them (`config` merged in, e.g. `{ plugins: { warmHosts: 0 } }`): the boilerplate every
 * sandbox test that needs one small plugin in a real kernel repeated.
 */
export async function startPluginKernel(
  plugins: Record<string, KernelPlugin>,
  config: KernelConfigInput = {},
): Promise<PluginKernel> {
  const root = mkdtempSync(join(tmpdir(), 'omega-plugin-kernel-'));
  const grants: Record<string, { granted: string[]; denied: string[]; routes?: Record<string, string> }> = {};
  for (const [name, p] of Object.entries(plugins)) {
    writePluginDir(join(root, 'plugins'), name, p.code, p.manifest);
    const declared = Array.isArray(p.manifest.permissions) ? (p.manifest.permissions as string[]) : [];
    grants[name] = { granted: p.granted ?? declared, denied: [], ...(p.routes ? { routes: p.routes } : {}) };
  }
  const grantsFile = join(root, 'grants.json');
  writeFileSync(grantsFile, JSON.stringify(grants));
  let k: TempKernel;
  try {
    k = await startTempKernel({
      ...config,
      plugins: { ...config.plugins, dirs: [join(root, 'plugins')], grantsFile },
    });
  } catch (err) {
    removeDir(root);
    throw err;
  }
  return {
    ...k,
    root,
    async close() {
      await k.stop();
      removeDir(k.dataDir);
      removeDir(root);
    },
  };
}
