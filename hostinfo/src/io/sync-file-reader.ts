import { closeSync, openSync, readSync } from 'node:fs';

/** Reads small kernel files synchronously into one reused buffer. */
export interface SyncFileReader {
  /** The whole file as text (procfs and sysfs files are ASCII). Throws the fs error when unreadable. */
  read(path: string): string;
}

/**
 * Creates a {@link SyncFileReader} for the 1 s path. procfs files are kernel memory: a
 * synchronous read takes microseconds, and reusing one buffer (grown only when a file is larger
 * than any before, so bounded by the largest file read) avoids the per-read buffer that
 * `readFileSync` allocates. Only the returned string is new on each read.
 */
export function createSyncFileReader(initialBytes = 64 * 1024): SyncFileReader {
  let buf = Buffer.allocUnsafe(initialBytes);
  return {
    read(path) {
      const fd = openSync(path, 'r');
      try {
        let len = 0;
        for (;;) {
          if (len === buf.length) {
            const bigger = Buffer.allocUnsafe(buf.length * 2);
            buf.copy(bigger, 0, 0, len);
            buf = bigger;
          }
          const n = readSync(fd, buf, len, buf.length - len, null);
          if (n === 0) break;
          len += n;
        }
        return buf.toString('latin1', 0, len);
      } finally {
        closeSync(fd);
      }
    },
  };
}
