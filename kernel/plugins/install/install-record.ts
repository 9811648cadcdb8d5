import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * File name of the install record in an installed plugin's folder. Archive paths never start
 * with a dot (decodeArchive refuses them), so no bundle can collide with it.
 */
export const INSTALL_RECORD = '.omega-install.json';

/** Who signed the installed version, and when it was placed (the baseline of the next consent). */
export interface InstallRecord {
  publisher: { kid: string; name?: string };
  installedAt: string;
}

/** Reads a plugin folder's install record; undefined when absent (bundled, or placed by hand) or unreadable. */
export async function readInstallRecord(pluginDir: string): Promise<InstallRecord | undefined> {
  try {
    const doc = JSON.parse(await readFile(join(pluginDir, INSTALL_RECORD), 'utf8')) as InstallRecord;
    return typeof doc?.publisher?.kid === 'string' ? doc : undefined;
  } catch {
    return undefined;
  }
}
