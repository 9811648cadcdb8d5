import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real, small filesystem (tmpfs) mounted on a temp dir, and a way to fill it up. */
export interface SmallDisk {
  dir: string;
  /** Writes filler files until the disk is full; returns how many bytes went in. */
  fill(): number;
  /** Deletes the filler, so there is room again. */
  free(): void;
  unmount(): void;
}

/** Mounts a `sizeKiB` tmpfs, or returns why that is impossible here (not root, no mount). */
export function mountSmallDisk(sizeKiB: number): SmallDisk | string {
  if (process.getuid?.() !== 0) return 'needs root to mount a small tmpfs (run the tests as root)';
  const dir = mkdtempSync(join(tmpdir(), 'omega-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=0700`, 'tmpfs', dir], {
      stdio: 'pipe',
      timeout: 10_000,
    });
  } catch (err) {
    rmdirSync(dir);
    return `cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]})`;
  }
  let fillers = 0;
  return {
    dir,
    fill() {
      const chunk = Buffer.alloc(16 * 1024, 0x66);
      let bytes = 0;
      const fd = openSync(join(dir, `.filler-${fillers++}`), 'w');
      try {
        for (;;) {
          try {
            bytes += writeSync(fd, chunk);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
            // The last chunk may not have fit whole: fill the remaining bytes one page at a time.
            const page = Buffer.alloc(512, 0x66);
            try {
              for (;;) bytes += writeSync(fd, page);
            } catch {
              return bytes;
            }
          }
        }
      } finally {
        closeSync(fd);
      }
    },
    free() {
      for (let i = 0; i < fillers; i++) rmSync(join(dir, `.filler-${i}`), { force: true });
      fillers = 0;
    },
    unmount() {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe', timeout: 10_000 });
      rmdirSync(dir);
    },
  };
}
