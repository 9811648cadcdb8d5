import { absent, present } from '../detected.js';
import { createCommandRunner, firstLine, type RunCommand } from '../io/run-command.js';
import { parseZpoolList, parseZpoolStatus } from './parse-zpool.js';
import type { ZfsHealth } from './raid-types.js';

/**
 * ZFS pools from `zpool list -H -p` and `zpool status -p` (two spawns: slow cadence, a minute or
 * more). Absent when zpool is not installed, fails (no kernel module), or there is no pool.
 */
export async function readZpools(run: RunCommand = createCommandRunner()): Promise<ZfsHealth> {
  const list = await run('zpool', [
    'list',
    '-H',
    '-p',
    '-o',
    'name,size,allocated,free,fragmentation,health',
  ]);
  if (!list.ok) return absent(list.missing ? 'zpool not installed' : list.reason);
  if (list.exitCode !== 0) return absent(`zpool list failed: ${firstLine(list.stderr || list.stdout)}`);
  const pools = parseZpoolList(list.stdout);
  if (pools.length === 0) return absent('no ZFS pool imported');
  const status = await run('zpool', ['status', '-p']);
  if (status.ok && status.exitCode === 0) {
    const detail = new Map(parseZpoolStatus(status.stdout).map((p) => [p.name, p]));
    for (const p of pools) {
      const d = detail.get(p.name);
      if (!d) continue;
      p.vdevs = d.vdevs;
      if (d.scan !== undefined) p.scan = d.scan;
      if (d.errors !== undefined) p.errors = d.errors;
    }
  }
  return present({ pools });
}
