import type { Dirent } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { PluginManifest } from '@omega/protocol';
import { parseManifest } from '@omega/protocol';
import { verifyIntegrity } from '@omega/protocol/archive';
import { hasErrorCode, type OmegaError, omegaError } from '../errors/index.js';
import { builtManifestPath } from './built-manifest-path.js';
import { loadPluginUi, type PluginUi } from './ui/index.js';

/** A plugin found on disk whose manifest is valid and whose bundle matches its integrity. */
export interface DiscoveredPlugin {
  manifest: PluginManifest;
  /** The plugin's folder (absolute). */
  dir: string;
  /** The manifest loaded: `<dir>/dist/plugin.json` of a built source folder, else `<dir>/plugin.json`. */
  manifestPath: string;
  bundlePath: string;
  /** The verified bundle source; load this, not the file again (it may change after the check). */
  code: string;
  /** Its verified static UI (manifest `ui`), held in memory. */
  ui?: PluginUi;
}

/** A folder that could not be used as a plugin, and why. */
export interface DiscoveryError {
  /** The plugin folder(s) concerned (two for a duplicate name). */
  dirs: string[];
  /** The plugin name, when the manifest got far enough to tell it. */
  name?: string;
  error: OmegaError;
}

/** What {@link discoverPlugins} found: usable plugins and per-folder errors, both sorted by name/folder. */
export interface Discovery {
  plugins: DiscoveredPlugin[];
  errors: DiscoveryError[];
}

const errno = (err: unknown): string | undefined => (err as NodeJS.ErrnoException).code;

const asOmega = (err: unknown, file: string): OmegaError =>
  hasErrorCode(err)
    ? (err as OmegaError)
    : omegaError('OMEGA_ERR_MANIFEST_INVALID', `${file} cannot be read (${errno(err) ?? String(err)}).`, {
        file,
      });

async function subfolders(root: string): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (err) {
    if (errno(err) === 'ENOENT') return []; // e.g. no plugin installed yet
    throw err;
  }
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue; // temp folders of an install in progress, editor files
    const full = join(root, e.name);
    if (e.isDirectory() || (e.isSymbolicLink() && (await stat(full).catch(() => null))?.isDirectory())) {
      out.push(full);
    }
  }
  return out.sort();
}

/** A plugin.json that is an author's source manifest (no `main`, no `integrity`): the folder was never built. */
function isUnbuiltSource(text: string): boolean {
  try {
    const doc: unknown = JSON.parse(text);
    return doc !== null && typeof doc === 'object' && !('main' in doc) && !('integrity' in doc);
  } catch {
    return false;
  }
}

async function loadOne(dir: string): Promise<DiscoveredPlugin> {
  const manifestPath = await builtManifestPath(dir);
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (err) {
    throw omegaError(
      'OMEGA_ERR_MANIFEST_INVALID',
      errno(err) === 'ENOENT'
        ? `${dir} has no plugin.json.`
        : `${manifestPath} cannot be read (${errno(err)}).`,
      { file: manifestPath },
    );
  }
  if (isUnbuiltSource(text)) {
    throw omegaError(
      'OMEGA_ERR_MANIFEST_INVALID',
      `${dir} is a plugin source folder without a build (no dist/plugin.json); run omega-plugin build in it.`,
      { file: manifestPath },
    );
  }
  const manifest = parseManifest(text, manifestPath);
  const folderName = dir.split(sep).pop();
  if (folderName !== manifest.name) {
    throw omegaError(
      'OMEGA_ERR_MANIFEST_INVALID',
      `${manifestPath}: name "${manifest.name}" must equal its folder name "${folderName}".`,
      { file: manifestPath, field: 'name' },
    );
  }
  // main is relative to the manifest's folder (dist/ of a built source folder) and stays inside it.
  const base = dirname(manifestPath);
  const bundlePath = resolve(base, manifest.main);
  const realBase = await realpath(base);
  const realBundle = await realpath(bundlePath).catch((err) => {
    throw omegaError(
      'OMEGA_ERR_MANIFEST_INVALID',
      `${manifestPath}: main "${manifest.main}" cannot be read (${errno(err)}).`,
      {
        file: manifestPath,
        field: 'main',
      },
    );
  });
  const rel = relative(realBase, realBundle);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw omegaError(
      'OMEGA_ERR_MANIFEST_INVALID',
      `${manifestPath}: main "${manifest.main}" leads outside the plugin folder.`,
      {
        file: manifestPath,
        field: 'main',
      },
    );
  }
  const bundle = await readFile(realBundle);
  if (!verifyIntegrity(bundle, manifest.integrity)) {
    throw omegaError(
      'OMEGA_ERR_MANIFEST_INVALID',
      `${manifestPath}: the bundle ${manifest.main} does not match integrity; rebuild and repack the plugin, or reinstall it.`,
      { file: manifestPath, field: 'integrity' },
    );
  }
  const ui = await loadPluginUi(dir, manifest, manifestPath);
  return {
    manifest,
    dir,
    manifestPath,
    bundlePath: realBundle,
    code: bundle.toString('utf8'),
    ...(ui ? { ui } : {}),
  };
}

/**
 * Finds plugins in `dirs` (e.g. the bundled plugins folder and the installed-plugins store):
 * each subfolder `<dir>/<name>/` must hold a valid manifest whose `main` bundle matches its
 * `integrity`: `dist/plugin.json` of a built source folder (`omega-plugin build` writes it next
 * to the bundle) or, for an installed plugin, `plugin.json` (see {@link builtManifestPath}).
 * One bad plugin does not stop the others; a name found in two places is an error naming both
 * folders, and neither is used. A missing `dir` counts as empty.
 */
export async function discoverPlugins(opts: { dirs: readonly string[] }): Promise<Discovery> {
  const folders = (await Promise.all(opts.dirs.map((d) => subfolders(resolve(d))))).flat();
  const results = await Promise.all(
    folders.map(async (dir) => {
      try {
        return { dir, plugin: await loadOne(dir) };
      } catch (err) {
        return { dir, error: asOmega(err, join(dir, 'plugin.json')) };
      }
    }),
  );
  const errors: DiscoveryError[] = [];
  const byName = new Map<string, DiscoveredPlugin[]>();
  for (const r of results) {
    if (r.plugin === undefined) {
      errors.push({ dirs: [r.dir], error: r.error });
      continue;
    }
    const same = byName.get(r.plugin.manifest.name) ?? [];
    same.push(r.plugin);
    byName.set(r.plugin.manifest.name, same);
  }
  const plugins: DiscoveredPlugin[] = [];
  for (const [name, found] of byName) {
    const first = found[0];
    if (found.length === 1 && first !== undefined) {
      plugins.push(first);
      continue;
    }
    const dirs = found.map((p) => p.dir);
    errors.push({
      dirs,
      name,
      error: omegaError(
        'OMEGA_ERR_ALREADY_EXISTS',
        `Plugin "${name}" is present in more than one place: ${dirs.join(' and ')}; remove all but one.`,
        { plugin: name, dirs },
      ),
    });
  }
  plugins.sort((a, b) => (a.manifest.name < b.manifest.name ? -1 : 1));
  errors.sort((a, b) => ((a.dirs[0] ?? '') < (b.dirs[0] ?? '') ? -1 : 1));
  return { plugins, errors };
}
