import { statfs } from 'node:fs/promises';
import type { HostinfoLogger as Logger } from '../io/logger.js';
import type { FilesystemUsage } from '../types.js';
import type { MountEntry } from './parse-mounts.js';

/** Reads usage of mounted filesystems; one hung mount (dead NFS) never blocks the others. */
export type FilesystemReader = (mounts: MountEntry[]) => Promise<FilesystemUsage[]>;

/**
 * Creates a {@link FilesystemReader}. A statfs that takes longer than `timeoutMs` is left
 * out of that read; while it stays unanswered the mount is skipped (node_exporter's "stuck
 * mounts"), so a dead mount holds at most one libuv thread.
 */
export function createFilesystemReader(timeoutMs: number, logger?: Logger): FilesystemReader {
  const stuck = new Set<string>();

  const one = async (m: MountEntry): Promise<FilesystemUsage | undefined> => {
    if (stuck.has(m.mount)) return undefined;
    const pending = statfs(m.mount);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
      timer.unref();
    });
    try {
      const s = await Promise.race([pending, timedOut]);
      if (s === 'timeout') {
        stuck.add(m.mount);
        logger?.warn(
          { mount: m.mount, timeoutMs },
          'statfs did not answer; skipping this mount until it does',
        );
        pending.then(
          () => stuck.delete(m.mount),
          () => stuck.delete(m.mount),
        );
        return undefined;
      }
      const size = s.blocks * s.bsize;
      const free = s.bfree * s.bsize;
      return {
        mount: m.mount,
        device: m.device,
        fstype: m.fstype,
        readOnly: m.readOnly,
        sizeBytes: size,
        usedBytes: size - free,
        freeBytes: free,
        availBytes: s.bavail * s.bsize,
        files: s.files,
        filesFree: s.ffree,
      };
    } catch (err) {
      logger?.debug({ mount: m.mount, err: (err as Error).message }, 'statfs failed; mount left out');
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  };

  return async (mounts) => {
    const all = await Promise.all(mounts.map(one));
    return all.filter((fs): fs is FilesystemUsage => fs !== undefined && fs.sizeBytes > 0);
  };
}
