import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { IGNORED_BLOCK_DEVICES, type ReadText, readNumber, readOptional } from '@omega/hostinfo';
import type { SpecsDisk } from './agent-specs.js';

/** Block devices that are never disks of their own (mapper views and md arrays are kept). */
const NOT_A_DISK = /^(z?ram|loop|fd|sr)\d+$/;

/**
 * Whole block devices from `/sys/block/<dev>/` (size in 512-byte sectors, queue/rotational,
 * device/model): partitions, loop, ram, zram and optical drives left out; empty devices too.
 */
export async function readDisks(sysRoot: string, readText: ReadText): Promise<SpecsDisk[]> {
  let names: string[];
  try {
    names = (await readdir(join(sysRoot, 'block'))).sort();
  } catch {
    return [];
  }
  const out: SpecsDisk[] = [];
  for (const name of names) {
    if (NOT_A_DISK.test(name) || IGNORED_BLOCK_DEVICES.test(name)) continue;
    const dir = join(sysRoot, 'block', name);
    const sectors = await readNumber(readText, join(dir, 'size'));
    if (!sectors) continue;
    const disk: SpecsDisk = { name, sizeBytes: sectors * 512 };
    const rotational = await readNumber(readText, join(dir, 'queue/rotational'));
    if (rotational !== undefined) disk.rotational = rotational === 1;
    const model = await readOptional(readText, join(dir, 'device/model'));
    if (model) disk.model = model;
    out.push(disk);
  }
  return out;
}
