import { randomBytes } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Options of {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /** File mode of the new file (applied with chmod, so the umask cannot widen or narrow it). */
  mode: number;
  /** Fail with `EEXIST` instead of replacing an existing file (first creation, races another process). */
  exclusive?: boolean;
}

/**
 * Writes `data` to `path` so that readers see the old file or the new one, never a mix:
 * temp file in the same directory, fsync, then rename (or link when exclusive), then fsync the directory.
 */
export async function writeFileAtomic(
  path: string,
  data: string,
  options: WriteFileAtomicOptions,
): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(tmp, 'wx', options.mode);
  let placed = false;
  try {
    try {
      await handle.chmod(options.mode);
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.exclusive) await link(tmp, path);
    else await rename(tmp, path);
    placed = !options.exclusive;
  } finally {
    if (!placed) await unlink(tmp).catch(() => undefined);
  }
  await syncDir(dirname(path));
}

/** fsync of a directory makes the rename durable; not possible on Windows, where it is skipped. */
async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
