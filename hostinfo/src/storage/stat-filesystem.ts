import { statfs } from 'node:fs/promises';
import { absent, present } from '../detected.js';
import type { FilesystemSpace } from './storage-types.js';

/**
 * Free space and inodes of the filesystem holding `path` (statfs(2)). Inodes are reported absent
 * when the filesystem has no fixed inode count (statfs gives 0 files: btrfs, some FUSE and
 * network filesystems), never as 0 free. Slow cadence (a dead NFS mount can block statfs: use
 * {@link createFilesystemReader}'s timeout for many mounts).
 */
export async function statFilesystem(path: string): Promise<FilesystemSpace> {
  const s = await statfs(path);
  const size = s.blocks * s.bsize;
  const free = s.bfree * s.bsize;
  return {
    path,
    sizeBytes: size,
    freeBytes: free,
    availBytes: s.bavail * s.bsize,
    usedBytes: size - free,
    inodes:
      s.files > 0
        ? present({ total: s.files, free: s.ffree, used: s.files - s.ffree })
        : absent('the filesystem reports no inode count (dynamic inodes, e.g. btrfs)'),
  };
}
