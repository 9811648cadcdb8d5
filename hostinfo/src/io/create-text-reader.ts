import { closeSync, openSync, readFileSync, readSync, statfsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReadText } from './host-roots.js';

/** `statfs.f_type` of procfs (linux/magic.h PROC_SUPER_MAGIC). */
const PROC_SUPER_MAGIC = 0x9fa0;
/** At most this many procfs files are kept open per reader (the per-second set is five). */
const MAX_KEPT = 16;

/** The open procfs files of each reader, closed when the reader is collected. */
const keptFiles = new FinalizationRegistry<Map<string, number>>((kept) => {
  for (const fd of kept.values()) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
  }
});

/**
 * The default file reader. procfs and sysfs's cpu/node trees are kernel memory: they are read
 * synchronously, which costs ~20× less CPU than `fs.promises.readFile` (open, fstat, read and
 * close, each a thread-pool hop) and blocks for microseconds. Everything else, notably hwmon
 * and thermal files whose drivers may query hardware over I2C or NVMe, is read asynchronously
 * (the kernel's reader wraps this one and reads the few drivers that answer from a CPU register in
 * the turn: kernel/system/with-fast-sensor-reads.ts).
 *
 * A file that really is on procfs (checked once per path with statfs: a recorded capture of
 * regular files under the same root is never kept open) stays open from its second read on and
 * is read again from offset 0, which makes the kernel generate it afresh: no open, fstat or close
 * and no path lookup per read (the collector reads five such files a second). Any failure closes
 * it and reads the path as before, so a vanished file fails exactly as it did.
 */
export function createTextReader(procRoot: string, sysRoot: string): ReadText {
  const fast = [`${procRoot}/`, join(sysRoot, 'devices/system/')];
  const procPrefix = `${procRoot}/`;
  const kept = new Map<string, number>();
  /** Paths read once so far: a path is kept open from its second read (one-off reads never are). */
  const seen = new Set<string>();
  /** Paths found not to be on procfs (or not keepable): read whole each time. */
  const plain = new Set<string>();
  let buf = Buffer.allocUnsafe(16 * 1024);

  const readKept = (path: string): string | undefined => {
    let fd = kept.get(path);
    if (fd === undefined) {
      if (plain.has(path) || kept.size >= MAX_KEPT) return undefined;
      if (!seen.has(path)) {
        if (seen.size < 1024) seen.add(path);
        return undefined;
      }
      seen.delete(path);
      try {
        if (statfsSync(path).type !== PROC_SUPER_MAGIC) throw new Error('not procfs');
        fd = openSync(path, 'r');
      } catch {
        if (plain.size < 1024) plain.add(path);
        return undefined;
      }
      kept.set(path, fd);
    }
    try {
      for (;;) {
        let n = 0;
        for (let r = 1; r > 0 && n < buf.length; n += r) r = readSync(fd, buf, n, buf.length - n, n);
        if (n < buf.length) return buf.toString('utf8', 0, n);
        buf = Buffer.allocUnsafe(buf.length * 2); // the file is larger: read it again whole
      }
    } catch {
      // Read whole from now on: a file that cannot be read at an offset (ESPIPE) is not retried
      // every other read; one that vanished fails from readFileSync as it should.
      kept.delete(path);
      if (plain.size < 1024) plain.add(path);
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
      return undefined;
    }
  };

  const reader: ReadText = async (path) => {
    if (path.startsWith(procPrefix)) return readKept(path) ?? readFileSync(path, 'utf8');
    if (fast.some((prefix) => path.startsWith(prefix))) return readFileSync(path, 'utf8');
    return readFile(path, 'utf8');
  };
  keptFiles.register(reader, kept);
  return reader;
}
