import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { omegaError, type PluginManifest, parseManifest } from '@omega/protocol';
import { computeIntegrity } from '@omega/protocol/archive';
import { build } from 'esbuild';
import { setManifestFields } from './set-manifest-fields.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** Where `omega-plugin build` reads and writes, relative to the plugin folder. */
export const PLUGIN_ENTRY = 'src/index.ts';
/** The bundle the isolate evaluates, relative to the plugin folder. */
export const PLUGIN_BUNDLE = 'dist/plugin.js';

/** What {@link buildPlugin} produced. */
export interface BuiltPlugin {
  manifest: PluginManifest;
  manifestPath: string;
  bundlePath: string;
  integrity: string;
  bytes: number;
  /** False when the bundle and manifest were already up to date (nothing written). */
  changed: boolean;
}

/**
 * Bundles `<dir>/src/index.ts` into `<dir>/dist/plugin.js` (ESM, es2022, platform neutral,
 * everything inlined, no imports left, no timestamps or absolute paths: same source → same
 * bytes), then sets the manifest's `main` and `integrity` and validates it.
 */
export async function buildPlugin(dir: string): Promise<BuiltPlugin> {
  const manifestPath = join(dir, 'plugin.json');
  const manifestText = await readFile(manifestPath, 'utf8').catch(() => {
    throw omegaError('OMEGA_ERR_MANIFEST_INVALID', `${manifestPath} cannot be read; run omega-plugin init.`, {
      file: manifestPath,
    });
  });
  const result = await build({
    absWorkingDir: dir,
    entryPoints: [PLUGIN_ENTRY],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['import', 'default'],
    write: false,
    outfile: PLUGIN_BUNDLE,
    metafile: true,
    sourcemap: false,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
  }).catch((err: { errors?: Array<{ text: string; location?: { file: string; line: number } | null }> }) => {
    const first = err.errors?.[0];
    const where = first?.location ? ` (${first.location.file}:${first.location.line})` : '';
    throw omegaError(
      'OMEGA_ERR_VALIDATION',
      `The plugin does not build: ${first?.text ?? String(err)}${where}`,
      {
        errors: (err.errors ?? []).map((e) => ({ field: e.location?.file ?? PLUGIN_ENTRY, message: e.text })),
      },
    );
  });
  const out = result.outputFiles[0];
  const meta = Object.values(result.metafile.outputs)[0];
  if (!out || !meta) throw omegaError('OMEGA_ERR_INTERNAL', 'esbuild produced no bundle.');
  if (meta.imports.length > 0) {
    throw omegaError(
      'OMEGA_ERR_VALIDATION',
      `The bundle still imports ${meta.imports.map((i) => i.path).join(', ')}; a plugin bundle must be self-contained (the sandbox has no module loader).`,
      { imports: meta.imports.map((i) => i.path) },
    );
  }
  if (!meta.exports.includes('plugin')) {
    throw omegaError(
      'OMEGA_ERR_VALIDATION',
      `${PLUGIN_ENTRY} must export the plugin: export const plugin = definePlugin({ ... }).`,
    );
  }
  const bundle = out.contents;
  const integrity = computeIntegrity(bundle);
  const nextText = setManifestFields(manifestText, { main: posix.normalize(PLUGIN_BUNDLE), integrity });
  const manifest = parseManifest(nextText, manifestPath);
  const bundlePath = join(dir, PLUGIN_BUNDLE);
  const before = await readFile(bundlePath).catch(() => null);
  const changed = nextText !== manifestText || before === null || !before.equals(bundle);
  if (changed) {
    await writeFileAtomic(bundlePath, bundle);
    await writeFileAtomic(manifestPath, nextText);
  }
  return { manifest, manifestPath, bundlePath, integrity, bytes: bundle.length, changed };
}
