import { join } from 'node:path';
import { exists } from './cgroup-files.js';
import type { CgroupLayout } from './cgroup-layout.js';
import { SUPERVISORS_DIR } from './prepare-cgroup-base.js';

/**
 * Whether every directory the executor prepared at start-up is still there: each hierarchy's
 * base and the supervisors leaf. Another agent on the same cgroup parent removes an empty base
 * when it stops (so does an operator's cleanup), and every session started after that would
 * fail with ENOENT until this agent restarted.
 */
export async function cgroupBaseIntact(layout: CgroupLayout): Promise<boolean> {
  const dirs = [
    layout.unified?.base,
    layout.unified && join(layout.unified.base, SUPERVISORS_DIR),
    ...Object.values(layout.v1).map((h) => h?.base),
  ].filter((d): d is string => !!d);
  const found = await Promise.all([...new Set(dirs)].map((d) => exists(d)));
  return found.every(Boolean);
}
