import type { PluginManifest } from '@omega/protocol';
import { isUiPath } from '@omega/protocol';
import {
  computeUiIntegrity,
  MAX_UI_BYTES,
  MAX_UI_FILES,
  PLUGIN_ARCHIVE_FORMAT,
  type PluginArchive,
  verifyIntegrity,
} from '@omega/protocol/archive';
import { omegaError } from '../../errors/index.js';

/** A plugin's files as an archive carries them, checked against its manifest. */
export interface ArchivedPluginFiles {
  /** The bundle named by `main`, matching `integrity`. */
  bundle: Buffer;
  /** The UI files (manifest `ui`), keyed by their path under `ui.root`, matching `ui.integrity`. */
  ui?: Map<string, Buffer>;
}

/** Base64 as encodeArchive writes it, and only that: two readers of one archive decode the same bytes. */
function decodeFile(b64: string, path: string, source: string): Buffer {
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.toString('base64') !== b64)
    throw omegaError('OMEGA_ERR_MANIFEST_INVALID', `The archive's file ${path} is not canonical base64.`, {
      file: source,
      field: 'files',
      path,
    });
  return bytes;
}

/**
 * The files of a decoded archive (decodeArchive already refused unsafe and repeated paths) as
 * the manifest allows them: the bundle named by `main`, and — for a manifest with `ui`, in
 * format omega-plugin-archive/2 — every file under `ui.root` and nothing else, at most
 * MAX_UI_FILES files and MAX_UI_BYTES bytes, no name both a file and a folder, the whole set
 * matching `ui.integrity` (which the publisher's signature covers, as part of plugin.json).
 * OMEGA_ERR_MANIFEST_INVALID naming the file (extras `path`) otherwise. Writes nothing.
 */
export function archivedPluginFiles(
  archive: PluginArchive,
  manifest: PluginManifest,
  source: string,
): ArchivedPluginFiles {
  const invalid = (message: string, field: string, path?: string) =>
    omegaError('OMEGA_ERR_MANIFEST_INVALID', message, {
      file: source,
      field,
      ...(path !== undefined ? { path } : {}),
    });
  const paths = Object.keys(archive.files);
  const b64 = archive.files[manifest.main];
  const ui = manifest.ui;
  if (b64 === undefined || (!ui && paths.length !== 1)) {
    throw invalid(
      `The archive must hold exactly the bundle "${manifest.main}" named by main${ui ? ' and the UI files' : ''} (it holds: ${paths.slice(0, 20).join(', ') || 'nothing'}${paths.length > 20 ? ', …' : ''}).`,
      'main',
    );
  }
  const bundle = decodeFile(b64, manifest.main, source);
  if (!verifyIntegrity(bundle, manifest.integrity)) {
    throw invalid(
      `The bundle ${manifest.main} does not match the manifest's integrity; rebuild and repack the plugin.`,
      'integrity',
    );
  }
  if (!ui) return { bundle };
  if (archive.format === PLUGIN_ARCHIVE_FORMAT)
    throw invalid(
      `${manifest.name} has a ui, which format ${PLUGIN_ARCHIVE_FORMAT} cannot carry; pack it again with a current omega-plugin pack.`,
      'ui',
    );
  const prefix = `${ui.root}/`;
  const files = new Map<string, Buffer>();
  let bytes = 0;
  for (const path of paths.sort()) {
    if (path === manifest.main) continue;
    const rel = path.startsWith(prefix) ? path.slice(prefix.length) : '';
    if (!isUiPath(rel))
      throw invalid(
        `The archive holds ${path.slice(0, 200)}, which is neither the bundle nor a UI file under ${prefix}.`,
        'ui',
        path,
      );
    if (files.size >= MAX_UI_FILES)
      throw invalid(`The archive holds more than ${MAX_UI_FILES} UI files (at ${path}).`, 'ui', path);
    const body = decodeFile(archive.files[path] as string, path, source);
    bytes += body.length;
    if (bytes > MAX_UI_BYTES)
      throw invalid(`The archive's UI files exceed ${MAX_UI_BYTES} bytes (at ${path}).`, 'ui', path);
    files.set(rel, body);
  }
  // A name that is a file and a folder at once (ui/a and ui/a/b, or main and main/x) cannot be written.
  const all = new Set(paths);
  for (const path of paths) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join('/');
      if (all.has(folder))
        throw invalid(`The archive holds ${folder} both as a file and as the folder of ${path}.`, 'ui', path);
    }
  }
  if (computeUiIntegrity(files) !== ui.integrity)
    throw invalid(
      `The UI files under ${prefix} in the archive do not match the manifest's ui.integrity (changed after signing?); rebuild, sign and repack the plugin.`,
      'ui.integrity',
    );
  return { bundle, ui: files };
}
