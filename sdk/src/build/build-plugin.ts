import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundlePlugin, type PluginBuild } from './bundle-plugin.js';
import { BUILT_MANIFEST, PLUGIN_BUNDLE } from './plugin-layout.js';
import { typeCheckPlugin } from './type-check-plugin.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** Options of {@link buildPlugin}. */
export interface BuildOptions {
  /**
   * Type-check the plugin's sources first (default true): a type error fails the build with
   * file:line and the message. The repository's core plugins pass false: `npm run check` covers them.
   */
  typecheck?: boolean;
}

/** What {@link buildPlugin} produced. */
export interface BuiltPlugin extends PluginBuild {
  /** dist/plugin.json (absolute). */
  manifestPath: string;
  /** dist/plugin.js (absolute). */
  bundlePath: string;
  bytes: number;
  /** False when dist/ already held exactly this build (nothing written). */
  changed: boolean;
}

const sameText = async (path: string, text: string) =>
  (await readFile(path, 'utf8').catch(() => null)) === text;
const sameBytes = async (path: string, bytes: Uint8Array) =>
  (await readFile(path).catch(() => null))?.equals(bytes) ?? false;

/** True when dist/ holds exactly `b` (bundle and built manifest). */
export async function isBuildCurrent(dir: string, b: PluginBuild): Promise<boolean> {
  return (
    (await sameBytes(join(dir, PLUGIN_BUNDLE), b.bundle)) &&
    (await sameText(join(dir, BUILT_MANIFEST), b.manifestText))
  );
}

/**
 * Builds the plugin in `dir`: type-checks it (unless `typecheck: false`), bundles src/index.ts
 * and writes `dist/plugin.js` and `dist/plugin.json` (the author's manifest plus `main` and
 * `integrity`). The author's plugin.json is never written.
 */
export async function buildPlugin(dir: string, opts: BuildOptions = {}): Promise<BuiltPlugin> {
  if (opts.typecheck !== false) await typeCheckPlugin(dir);
  const b = await bundlePlugin(dir);
  const manifestPath = join(dir, BUILT_MANIFEST);
  const bundlePath = join(dir, PLUGIN_BUNDLE);
  const changed = !(await isBuildCurrent(dir, b));
  if (changed) {
    // bundle first: a reader that sees the new manifest finds the bundle it names
    await writeFileAtomic(bundlePath, b.bundle);
    await writeFileAtomic(manifestPath, b.manifestText);
  }
  return { ...b, manifestPath, bundlePath, bytes: b.bundle.length, changed };
}
