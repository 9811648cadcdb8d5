import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReadText } from './host-roots.js';

/**
 * The default file reader. procfs and sysfs's cpu/node trees are kernel memory: they are read
 * synchronously, which costs ~20× less CPU than `fs.promises.readFile` (open, fstat, read and
 * close, each a thread-pool hop) and blocks for microseconds. Everything else, notably hwmon
 * and thermal files whose drivers may query hardware over I2C or NVMe, is read asynchronously.
 */
export function createTextReader(procRoot: string, sysRoot: string): ReadText {
  const fast = [`${procRoot}/`, join(sysRoot, 'devices/system/')];
  return async (path) => {
    if (fast.some((prefix) => path.startsWith(prefix))) return readFileSync(path, 'utf8');
    return readFile(path, 'utf8');
  };
}
