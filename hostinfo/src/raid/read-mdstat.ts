import { join } from 'node:path';
import { absent, present } from '../detected.js';
import { hostRoots, type RootOptions } from '../io/host-roots.js';
import { parseMdstat } from './parse-mdstat.js';
import type { MdHealth } from './raid-types.js';

/**
 * md RAID health from `<root>/proc/mdstat`; absent when the kernel has no md driver loaded
 * (no such file). Slow cadence (10 s or more); no spawn.
 */
export async function readMdstat(options: RootOptions = {}): Promise<MdHealth> {
  const r = hostRoots(options);
  let text: string;
  try {
    text = await r.readText(join(r.proc, 'mdstat'));
  } catch {
    return absent('no /proc/mdstat: the kernel has no md (software RAID) driver loaded');
  }
  return present(parseMdstat(text));
}
