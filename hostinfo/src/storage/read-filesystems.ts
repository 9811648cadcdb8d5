import { type StatsFs, statfsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import type { HostinfoLogger as Logger } from '../io/logger.js';
import type { FilesystemUsage } from '../types.js';
import type { MountEntry } from './parse-mounts.js';

/** Reads usage of mounted filesystems; one hung mount (dead NFS) never blocks the others. */
export type FilesystemReader = (mounts: MountEntry[]) => Promise<FilesystemUsage[]>;

function usageOf(m: MountEntry, s: StatsFs): FilesystemUsage {
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
}

/**
 * Filesystem types whose statfs(2) answers from counters the kernel keeps in memory: no
 * network round trip, no user-space daemon (NFS, CIFS, Ceph and FUSE can hang a statfs) and no
 * scan of an on-disk table (FAT counts its free clusters from disk).
 */
export const IN_MEMORY_STATFS_FSTYPES: ReadonlySet<string> = new Set([
  'ext2',
  'ext3',
  'ext4',
  'xfs',
  'btrfs',
  'f2fs',
]);

/** True when `m`'s statfs cannot block: a block device (`/dev/…`) holding an in-memory-counter filesystem. */
export function statfsCannotBlock(m: MountEntry): boolean {
  return m.device.startsWith('/dev/') && IN_MEMORY_STATFS_FSTYPES.has(m.fstype);
}

const sizedUsage = (all: Array<FilesystemUsage | undefined>): FilesystemUsage[] =>
  all.filter((fs): fs is FilesystemUsage => fs !== undefined && fs.sizeBytes > 0);

/**
 * Creates a {@link FilesystemReader}. Mounts whose statfs cannot block ({@link statfsCannotBlock}:
 * the local disks of a typical host) are asked synchronously, microseconds each: no thread-pool
 * hop, promise or timer per pass, and a pass with only such mounts is done before it returns.
 * Any other mount is asked on the thread pool: a statfs still unanswered `timeoutMs` after the
 * pass started is left out of that read; while it stays unanswered the mount is skipped
 * (node_exporter's "stuck mounts"), so a dead mount holds at most one libuv thread. One timer
 * bounds the whole pass (not one per mount: at 1 Hz that was most of the pass's cost).
 */
export function createFilesystemReader(timeoutMs: number, logger?: Logger): FilesystemReader {
  const stuck = new Set<string>();
  const failed = (m: MountEntry, err: Error): void =>
    logger?.debug({ mount: m.mount, err: err.message }, 'statfs failed; mount left out');

  return (mounts) => {
    // Answers in mount order; the indexes of the mounts asked on the thread pool.
    const answers: Array<FilesystemUsage | undefined> = new Array(mounts.length);
    const remote: number[] = [];
    for (let i = 0; i < mounts.length; i++) {
      const m = mounts[i] as MountEntry;
      if (!statfsCannotBlock(m)) {
        if (!stuck.has(m.mount)) remote.push(i);
        continue;
      }
      try {
        answers[i] = usageOf(m, statfsSync(m.mount));
      } catch (err) {
        failed(m, err as Error);
      }
    }
    if (remote.length === 0) return Promise.resolve(sizedUsage(answers));
    const asked = remote;
    return new Promise<FilesystemUsage[]>((resolve) => {
      const answered: boolean[] = new Array(asked.length).fill(false);
      let left = asked.length;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(sizedUsage(answers));
      };
      const timer = setTimeout(() => {
        asked.forEach((at, i) => {
          if (answered[i]) return;
          const m = mounts[at] as MountEntry;
          stuck.add(m.mount);
          logger?.warn(
            { mount: m.mount, timeoutMs },
            'statfs did not answer; skipping this mount until it does',
          );
        });
        finish();
      }, timeoutMs);
      timer.unref();
      asked.forEach((at, i) => {
        const m = mounts[at] as MountEntry;
        statfs(m.mount)
          .then(
            (s) => {
              answered[i] = true;
              if (done) stuck.delete(m.mount);
              else answers[at] = usageOf(m, s);
            },
            (err: Error) => {
              answered[i] = true;
              if (done) stuck.delete(m.mount);
              else failed(m, err);
            },
          )
          .finally(() => {
            if (--left === 0) finish();
          });
      });
    });
  };
}
