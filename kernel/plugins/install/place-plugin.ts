import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { syncDir } from '../../storage/index.js';
import { INSTALL_RECORD, type InstallRecord } from './install-record.js';
import type { VerifiedPlugin } from './verify-plugin-archive.js';

async function writeSynced(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const fh = await open(path, 'wx', 0o644);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/**
 * Writes a verified plugin into `<installedDir>/<name>/` atomically: into a dot-folder first
 * (discovery skips those), synced, then renamed over the old folder (kept aside until the swap
 * is done, put back if it fails). The folder also gets its install record (who signed it), the
 * baseline of the next upgrade's consent. Returns the plugin folder.
 */
export async function placePlugin(installedDir: string, plugin: VerifiedPlugin): Promise<string> {
  const name = plugin.manifest.name;
  const tag = randomBytes(6).toString('hex');
  const target = join(installedDir, name);
  const staging = join(installedDir, `.install-${name}-${tag}`);
  const old = join(installedDir, `.old-${name}-${tag}`);
  await mkdir(installedDir, { recursive: true, mode: 0o700 });
  try {
    await mkdir(staging);
    await writeSynced(join(staging, 'plugin.json'), plugin.manifestText);
    await writeSynced(join(staging, plugin.manifest.main), plugin.bundle);
    const record: InstallRecord = { publisher: plugin.publisher, installedAt: new Date().toISOString() };
    await writeSynced(join(staging, INSTALL_RECORD), `${JSON.stringify(record, null, 2)}\n`);
    await syncDir(staging);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
  const hadOld = await exists(target);
  if (hadOld) await rename(target, old);
  try {
    await rename(staging, target);
  } catch (err) {
    if (hadOld) await rename(old, target).catch(() => {});
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
  await syncDir(installedDir);
  if (hadOld) await rm(old, { recursive: true, force: true });
  return target;
}
