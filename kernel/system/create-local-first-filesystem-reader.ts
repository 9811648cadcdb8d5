import { type StatsFs, statfsSync } from 'node:fs';
import {
  createFilesystemReader,
  type FilesystemReader,
  type FilesystemUsage,
  type MountEntry,
} from '@omega/hostinfo';
import type { Logger } from '../log/index.js';

/**
 * Filesystem types whose statfs(2) answers from counters the kernel keeps in memory (no disk or
 * network round trip), when mounted from a block device. vfat is not one (its first statfs may
 * count free clusters on disk), nor btrfs (statfs walks its space info under the chunk and device
 * locks a balance holds), nor anything over a network or FUSE (a dead server hangs statfs).
 */
export const LOCAL_STATFS_FSTYPES: ReadonlySet<string> = new Set(['ext2', 'ext3', 'ext4', 'xfs', 'f2fs']);

/** Whether `m`'s usage is read synchronously: a local block-device filesystem of {@link LOCAL_STATFS_FSTYPES}. */
export const isLocalStatfs = (m: MountEntry): boolean =>
  LOCAL_STATFS_FSTYPES.has(m.fstype) && m.device.startsWith('/dev/');

/** The same figures as @omega/hostinfo's reader gives for one statfs answer. */
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
 * A {@link FilesystemReader} that reads local block-device filesystems ({@link isLocalStatfs})
 * with `statfsSync` — a few µs each, in the caller's turn — and only the rest (network, FUSE,
 * unknown types) through @omega/hostinfo's asynchronous reader with its `timeoutMs` and stuck-mount
 * skipping. On a host with local disks only, a usage read then costs no thread-pool hop and no
 * wake-up of the kernel's loop to collect the answers. Mount order and the figures are unchanged.
 */
export function createLocalFirstFilesystemReader(timeoutMs: number, logger?: Logger): FilesystemReader {
  const remote = createFilesystemReader(timeoutMs, logger);
  return (mounts) => {
    const local: Array<FilesystemUsage | undefined> = [];
    const rest: MountEntry[] = [];
    for (const m of mounts) {
      if (!isLocalStatfs(m)) {
        rest.push(m);
        continue;
      }
      try {
        local.push(usageOf(m, statfsSync(m.mount)));
      } catch (err) {
        local.push(undefined);
        logger?.debug({ mount: m.mount, err: (err as Error).message }, 'statfs failed; mount left out');
      }
    }
    const merge = (others: FilesystemUsage[]): FilesystemUsage[] => {
      const byMount = new Map(others.map((f) => [f.mount, f]));
      const out: FilesystemUsage[] = [];
      let i = 0;
      for (const m of mounts) {
        const fs = isLocalStatfs(m) ? local[i++] : byMount.get(m.mount);
        if (fs !== undefined && fs.sizeBytes > 0) out.push(fs);
      }
      return out;
    };
    return rest.length === 0 ? Promise.resolve(merge([])) : remote(rest).then(merge);
  };
}
