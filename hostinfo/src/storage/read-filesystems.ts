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
 * Local block-device filesystems: statfs(2) answers from in-memory counters and cannot hang on
 * a dead server, so it is called synchronously (~5 µs) instead of through the libuv thread pool,
 * whose hop (a worker woken, the loop woken back) cost more than the call at 1 Hz.
 */
const LOCAL_FSTYPES = new Set(['ext2', 'ext3', 'ext4', 'xfs', 'btrfs', 'f2fs', 'vfat', 'exfat', 'jfs']);

/**
 * Creates a {@link FilesystemReader}. Local filesystems ({@link LOCAL_FSTYPES}) are read at once;
 * the others (network, FUSE, ZFS…) asynchronously, bounded as follows. A statfs still unanswered `timeoutMs` after the pass
 * started is left out of that read; while it stays unanswered the mount is skipped
 * (node_exporter's "stuck mounts"), so a dead mount holds at most one libuv thread. One timer
 * bounds the whole pass (not one per mount: at 1 Hz that was most of the pass's cost).
 */
export function createFilesystemReader(timeoutMs: number, logger?: Logger): FilesystemReader {
  const stuck = new Set<string>();

  return (mounts) =>
    new Promise<FilesystemUsage[]>((resolve) => {
      const asked = mounts.filter((m) => !stuck.has(m.mount));
      const answers: Array<FilesystemUsage | undefined> = new Array(asked.length);
      const answered: boolean[] = new Array(asked.length).fill(false);
      let left = asked.length;
      asked.forEach((m, i) => {
        if (!LOCAL_FSTYPES.has(m.fstype)) return;
        answered[i] = true;
        left--;
        try {
          answers[i] = usageOf(m, statfsSync(m.mount));
        } catch (err) {
          logger?.debug({ mount: m.mount, err: (err as Error).message }, 'statfs failed; mount left out');
        }
      });
      let done = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(answers.filter((fs): fs is FilesystemUsage => fs !== undefined && fs.sizeBytes > 0));
      };
      if (left === 0) return finish();
      timer = setTimeout(() => {
        asked.forEach((m, i) => {
          if (answered[i]) return;
          stuck.add(m.mount);
          logger?.warn(
            { mount: m.mount, timeoutMs },
            'statfs did not answer; skipping this mount until it does',
          );
        });
        finish();
      }, timeoutMs);
      timer.unref();
      asked.forEach((m, i) => {
        if (answered[i]) return;
        statfs(m.mount)
          .then(
            (s) => {
              answered[i] = true;
              if (done) stuck.delete(m.mount);
              else answers[i] = usageOf(m, s);
            },
            (err: Error) => {
              answered[i] = true;
              if (done) stuck.delete(m.mount);
              else logger?.debug({ mount: m.mount, err: err.message }, 'statfs failed; mount left out');
            },
          )
          .finally(() => {
            if (--left === 0) finish();
          });
      });
    });
}
