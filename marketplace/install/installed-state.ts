import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileDurable } from '../../kernel/index.js';

/** One version of a plugin that this kernel installed from a marketplace. */
export interface InstalledRelease {
  version: string;
  source: string;
  /** sha512 of the artifact (its key in the store). */
  artifact: string;
  publisher: string;
  /** The publisher key that signed the release statement. */
  signer: string;
  /** The verified manifest (as parsed). */
  manifest: import('@omega/protocol').PluginManifest;
  installedAt: string;
}

/** What the marketplace client installed: current release and earlier ones (for rollback). */
export interface InstalledState {
  plugins: Record<
    string,
    {
      current: InstalledRelease;
      history: InstalledRelease[];
      /** Set when the current version was revoked and stopped. */
      revoked?: { version: string; reason: string; at: string };
    }
  >;
}

/** Reads the installed state (an absent file: nothing installed). */
export async function loadInstalledState(file: string): Promise<InstalledState> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as InstalledState;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { plugins: {} };
    throw err;
  }
}

/** Writes the installed state durably (temp file, fsync, rename). */
export async function saveInstalledState(file: string, state: InstalledState): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFileDurable(file, `${JSON.stringify(state, null, 2)}\n`);
}
