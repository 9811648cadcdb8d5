import { execFile } from 'node:child_process';
import { access, chmod, open, rmdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { execError } from '../errors/index.js';

const run = promisify(execFile);
const SBIN = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const tool = (cmd: string, args: string[]) => run(cmd, args, { timeout: 30_000, env: { PATH: SBIN } });

/** How a working directory gets a size limit: an ext4 image on a loop device, or a size-limited tmpfs. */
export type QuotaMechanism = 'loop' | 'tmpfs';

/** A mounted quota, as stored in the session record (so a restarted agent can unmount it). */
export interface QuotaMount {
  mechanism: QuotaMechanism;
  dir: string;
  image: string | null;
}

const found = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * Picks the quota mechanism this node supports: `loop` (real disk, needs root, /dev/loop-control
 * and mkfs.ext4), else `tmpfs` (root; its pages count against the session's memory), else none.
 */
export async function detectQuotaMechanism(
  root: boolean,
  prefer: QuotaMechanism | 'none' | 'auto' = 'auto',
): Promise<QuotaMechanism | null> {
  if (!root || prefer === 'none') return null;
  if (prefer === 'tmpfs') return 'tmpfs';
  const loop =
    (await found('/dev/loop-control')) &&
    (await tool('sh', ['-c', 'command -v mkfs.ext4']).then(
      () => true,
      () => false,
    ));
  if (loop) return 'loop';
  return prefer === 'loop' ? null : 'tmpfs';
}

/** Mounts a quota'd filesystem on `dir` (an existing empty directory), owned by the session's uid, mode 0700. */
export async function mountQuota(
  mechanism: QuotaMechanism,
  dir: string,
  bytes: number,
  owner: { uid: number; gid: number },
  imagePath: string,
): Promise<QuotaMount> {
  try {
    if (mechanism === 'tmpfs') {
      const opts = `size=${bytes},mode=0700,uid=${owner.uid},gid=${owner.gid},nosuid,nodev`;
      await tool('mount', ['-t', 'tmpfs', '-o', opts, 'omega-session', dir]);
      return { mechanism, dir, image: null };
    }
    const fh = await open(imagePath, 'wx', 0o600);
    await fh.truncate(bytes);
    await fh.close();
    await tool('mkfs.ext4', [
      '-q',
      '-F',
      '-m',
      '0',
      '-O',
      '^has_journal',
      '-E',
      `root_owner=${owner.uid}:${owner.gid}`,
      imagePath,
    ]);
    await tool('mount', ['-o', 'loop,nosuid,nodev', imagePath, dir]);
    await rmdir(join(dir, 'lost+found')).catch(() => {});
    await chmod(dir, 0o700);
    return { mechanism, dir, image: imagePath };
  } catch (err) {
    await unlink(imagePath).catch(() => {});
    if ((err as { code?: string }).code === 'OMEGA_ERR_EXEC_QUOTA') throw err;
    const detail = (err as { stderr?: string }).stderr?.trim() || (err as Error).message;
    throw execError(
      'OMEGA_ERR_EXEC_QUOTA',
      `Cannot set up a ${mechanism} quota of ${bytes} bytes on ${dir}: ${detail}`,
      { mechanism },
      err,
    );
  }
}

/** Unmounts (the loop device is freed with it) and deletes the image. Idempotent. */
export async function unmountQuota(q: QuotaMount): Promise<void> {
  await tool('umount', [q.dir]).catch(async () => {
    await tool('umount', ['-l', q.dir]).catch(() => {});
  });
  if (q.image) await unlink(q.image).catch(() => {});
}
