import type { StatsFs } from 'node:fs';
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
 * Creates a {@link FilesystemReader}. A statfs still unanswered `timeoutMs` after the pass
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
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(answers.filter((fs): fs is FilesystemUsage => fs !== undefined && fs.sizeBytes > 0));
      };
      const timer = setTimeout(() => {
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
      if (left === 0) return finish();
      asked.forEach((m, i) => {
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
