import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type PluginManifest, parseManifest } from '@omega/protocol';
import { loadGrants } from '../load-grants.js';
import { missingGrants } from '../missing-grants.js';
import { type InstallRecord, readInstallRecord } from './install-record.js';

/** A plugin in the installed-plugins store, with what the operator approved for it. */
export interface InstalledPlugin {
  manifest: PluginManifest;
  dir: string;
  /** Who signed it (undefined when it was placed before install records existed, or by hand). */
  publisher?: InstallRecord['publisher'];
  /** Declared capabilities the operator decided on (granted or denied): the consent baseline. */
  approved: string[];
}

/**
 * Reads `<installedDir>/<name>/` as the next install's consent sees it; undefined when nothing
 * (or nothing readable) is installed under that name.
 */
export async function readInstalledPlugin(
  target: { installedDir: string; grantsFile: string },
  name: string,
): Promise<InstalledPlugin | undefined> {
  const dir = join(target.installedDir, name);
  let manifest: PluginManifest;
  try {
    const path = join(dir, 'plugin.json');
    manifest = parseManifest(await readFile(path, 'utf8'), path);
  } catch {
    return undefined;
  }
  const undecided = missingGrants(manifest, await loadGrants(target.grantsFile));
  const record = await readInstallRecord(dir);
  return {
    manifest,
    dir,
    ...(record ? { publisher: record.publisher } : {}),
    approved: manifest.permissions.filter((p) => !undecided.includes(p)),
  };
}
