import { createHash } from 'node:crypto';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { omegaError } from '../errors/index.js';
import { isUiPath } from '../manifest/ui-path.js';

/** At most this many files in a plugin's UI folder (a built app has tens). */
export const MAX_UI_FILES = 2_000;
/** At most this many bytes in a plugin's UI folder, all files together (it is held in memory). */
export const MAX_UI_BYTES = 32 * 1024 * 1024;

/**
 * The manifest's `ui.integrity` of a UI folder's files: `sha512-<base64>` of the lines
 * `<base64 SHA-512 of the file> <path>\n`, sorted by path (byte order). Every file's bytes
 * and name are covered, so adding, removing, renaming or changing one changes it; and as
 * plugin.json's bytes are what a publisher signs, the signature covers the UI too.
 */
export function computeUiIntegrity(files: ReadonlyMap<string, Uint8Array>): string {
  const lines = [...files.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map(
      (p) =>
        `${createHash('sha512')
          .update(files.get(p) as Uint8Array)
          .digest('base64')} ${p}\n`,
    );
  return `sha512-${createHash('sha512').update(lines.join(''), 'utf8').digest('base64')}`;
}

const invalid = (message: string, file: string) =>
  omegaError('OMEGA_ERR_MANIFEST_INVALID', message, { file, field: 'ui' });

/**
 * Reads every regular file under `root` into memory, keyed by its `/`-separated relative path.
 * Refuses (OMEGA_ERR_MANIFEST_INVALID) symbolic links, names that {@link isUiPath} rejects
 * (dot-files included: nothing is silently left out of the integrity), and folders over
 * {@link MAX_UI_FILES} files or {@link MAX_UI_BYTES} bytes.
 */
export async function readUiFolder(root: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  let bytes = 0;
  const walk = async (dir: string, prefix: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const rel = prefix + e.name;
      const full = join(dir, e.name);
      if (!isUiPath(rel)) throw invalid(`UI file name "${rel.slice(0, 100)}" is not allowed.`, full);
      if (e.isSymbolicLink()) throw invalid(`UI file ${rel} is a symbolic link; ship the file itself.`, full);
      if (e.isDirectory()) {
        await walk(full, `${rel}/`);
        continue;
      }
      if (!e.isFile()) throw invalid(`UI file ${rel} is not a regular file.`, full);
      const tooBig = () =>
        invalid(`The UI folder holds more than ${MAX_UI_FILES} files or ${MAX_UI_BYTES} bytes.`, root);
      if (files.size >= MAX_UI_FILES || bytes + (await lstat(full)).size > MAX_UI_BYTES) throw tooBig();
      const body = await readFile(full);
      bytes += body.length;
      if (bytes > MAX_UI_BYTES) throw tooBig(); // it grew between the two looks
      files.set(rel, body);
    }
  };
  await walk(root, '');
  return files;
}
