import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { syncDir } from '../../storage/index.js';
import { loadPluginUi } from '../ui/index.js';
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

/** Writes the UI files under `<dir>/<root>/`, a few at a time, and syncs every folder it made. */
async function writeUi(dir: string, root: string, files: ReadonlyMap<string, Buffer>): Promise<void> {
  const entries = [...files];
  const folders = new Set<string>();
  for (let i = 0; i < entries.length; i += 16) {
    await Promise.all(
      entries.slice(i, i + 16).map(([rel, body]) => {
        const path = join(dir, root, rel);
        for (let f = dirname(path); f.length > dir.length; f = dirname(f)) folders.add(f);
        return writeSynced(path, body);
      }),
    );
  }
  // deepest first, so each folder's entry is durable in its parent once the parent is synced
  for (const f of [...folders].sort((a, b) => b.length - a.length)) await syncDir(f);
}

/**
 * Writes a verified plugin into `<installedDir>/<name>/` atomically: into a dot-folder first
 * (discovery skips those) — manifest, bundle, UI files under `ui.root` — synced, its UI loaded
 * from there as the kernel will load it (integrity again, entry pages, panel pages; a refusal
 * leaves nothing behind), then renamed over the old folder (kept aside until the swap is done,
 * put back if it fails), so an upgrade's UI replaces the old one whole. The folder also gets its
 * install record (who signed it), the baseline of the next upgrade's consent. Returns the plugin folder.
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
    const ui = plugin.manifest.ui;
    if (ui && plugin.ui) await writeUi(staging, ui.root, plugin.ui);
    const record: InstallRecord = { publisher: plugin.publisher, installedAt: new Date().toISOString() };
    await writeSynced(join(staging, INSTALL_RECORD), `${JSON.stringify(record, null, 2)}\n`);
    await syncDir(staging);
    await loadPluginUi(
      staging,
      plugin.manifest,
      `plugin.json of ${name}@${plugin.manifest.version} (being installed)`,
    );
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
