import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { omegaError, type PluginManifest, parseManifest } from '@omega/protocol';
import { computeIntegrity, computeUiIntegrity, readUiFolder } from '@omega/protocol/archive';
import { build } from 'esbuild';
import { type BuildFields, builtManifestText } from './built-manifest-text.js';
import { BUILT_MAIN, BUILT_MANIFEST, PLUGIN_BUNDLE, PLUGIN_ENTRY, SOURCE_MANIFEST } from './plugin-layout.js';
import { withRouteSchemas } from './with-route-schemas.js';

/** A plugin built in memory: what `omega-plugin build` writes to dist/. */
export interface PluginBuild {
  /** The built manifest (validated). */
  manifest: PluginManifest;
  /** dist/plugin.json's text. */
  manifestText: string;
  /** dist/plugin.js's bytes. */
  bundle: Uint8Array;
  integrity: string;
  /** Things the author should know (e.g. fields in plugin.json that the build owns). */
  notes: string[];
}

type EsbuildFailure = { errors?: Array<{ text: string; location?: { file: string; line: number } | null }> };

async function readSourceManifest(dir: string): Promise<{ doc: Record<string, unknown>; path: string }> {
  const path = join(dir, SOURCE_MANIFEST);
  const text = await readFile(path, 'utf8').catch(() => {
    throw omegaError('OMEGA_ERR_MANIFEST_INVALID', `${path} cannot be read; run omega-plugin init.`, {
      file: path,
    });
  });
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw omegaError('OMEGA_ERR_MANIFEST_INVALID', `${path} is not valid JSON: ${(err as Error).message}`, {
      file: path,
    });
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw omegaError('OMEGA_ERR_MANIFEST_INVALID', `${path} must be a JSON object.`, { file: path });
  }
  return { doc: doc as Record<string, unknown>, path };
}

/** The `version` of the plugin folder's package.json, if it has one. */
async function packageVersion(dir: string): Promise<string | undefined> {
  try {
    const v = (JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { version?: unknown })
      .version;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The author's manifest with `ui.integrity` set to the integrity of the built UI folder
 * (`ui.root`, built before the plugin: e.g. `vite build && omega-plugin build`), so the built
 * manifest — and a publisher's signature over it — covers every UI file. Unchanged without `ui`.
 */
async function withUiIntegrity(
  dir: string,
  doc: Record<string, unknown>,
  path: string,
): Promise<Record<string, unknown>> {
  const ui = doc.ui;
  if (ui === null || typeof ui !== 'object' || typeof (ui as { root?: unknown }).root !== 'string')
    return doc;
  const root = (ui as { root: string }).root;
  let files: Awaited<ReturnType<typeof readUiFolder>>;
  try {
    files = await readUiFolder(join(dir, root));
  } catch (err) {
    throw omegaError(
      'OMEGA_ERR_MANIFEST_INVALID',
      `${path}: the UI folder ${root} cannot be read (${(err as Error).message}); build the UI before the plugin.`,
      { file: path, field: 'ui.root' },
    );
  }
  return { ...doc, ui: { ...ui, integrity: computeUiIntegrity(files) } };
}

/**
 * Builds the plugin in `dir` in memory: bundles `src/index.ts` (ESM, es2022, platform neutral,
 * everything inlined, no imports left, no timestamps or absolute paths: same sources → same
 * bytes) and derives the built manifest (the author's plugin.json + `main` + `integrity` + the
 * JSON Schemas of src/route-schemas.ts under each route's `schemas`),
 * validated. Writes nothing; {@link buildPlugin} writes, pack compares.
 */
export async function bundlePlugin(dir: string): Promise<PluginBuild> {
  const source = await readSourceManifest(dir);
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
  }).catch((err: EsbuildFailure) => {
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
  const fields: BuildFields = { main: BUILT_MAIN, integrity };
  const withSchemas = await withRouteSchemas(dir, source.doc, source.path);
  const manifestText = builtManifestText(await withUiIntegrity(dir, withSchemas, source.path), fields);
  // Validated as what it is now; errors still name the author's file, which is where to fix them.
  const manifest = parseManifest(manifestText, source.path);
  const notes = ['main', 'integrity']
    .filter((k) => k in source.doc)
    .map(
      (k) =>
        `${SOURCE_MANIFEST}: "${k}" is set by the build in ${BUILT_MANIFEST}; remove it from ${SOURCE_MANIFEST}.`,
    );
  const npmVersion = await packageVersion(dir);
  if (npmVersion !== undefined && npmVersion !== manifest.version)
    notes.push(
      `package.json says version ${npmVersion} but ${SOURCE_MANIFEST} says ${manifest.version}: the kernel, the archive and the marketplace use ${SOURCE_MANIFEST}'s; set both to the same version.`,
    );
  return { manifest, manifestText, bundle, integrity, notes };
}
