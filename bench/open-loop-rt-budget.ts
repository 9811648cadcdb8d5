import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where a cgroup v1 cpu hierarchy is mounted on the distributions we run on. */
const CPU_MOUNTS = ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpu,cpuacct'];
/**
 * RT µs per period the granted subtree gets in all at most (of the root's 950,000 per 1,000,000):
 * less when the root's other groups already hold more than the rest.
 */
const SUBTREE_US = 500_000;

/** `pid`'s cgroup v1 cpu directory below the hierarchy's root, or undefined (root, v2, none, gone). */
function cpuCgroupOf(pid: number): string | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const [, controllers = '', path = ''] = line.split(':');
    if (!controllers.split(',').includes('cpu') || path === '/' || path === '') continue;
    for (const mount of CPU_MOUNTS) {
      const dir = join(mount, path);
      if (existsSync(join(dir, 'cpu.rt_runtime_us'))) return dir;
    }
  }
  return undefined;
}

/**
 * A kernel's plugin-host subtree (prepare-host-cgroups.ts: `omega-plugins-k<kernel pid>-<n>`),
 * the only groups a grant may budget besides the path down to one.
 */
const PLUGIN_SUBTREE = /^omega-plugins-k\d+-\d+$/;
/** Whether `dir` is a kernel's plugin-host subtree or a group below one. */
const inPluginSubtree = (dir: string) => dir.split('/').some((part) => PLUGIN_SUBTREE.test(part));

const rtOf = (dir: string) => Number(readFileSync(join(dir, 'cpu.rt_runtime_us'), 'utf8').trim());
const setRt = (dir: string, us: number) => writeFileSync(join(dir, 'cpu.rt_runtime_us'), String(us));
const childGroups = (dir: string) =>
  readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => join(dir, e.name));
/**
 * RT µs per period of `parent`'s budget that its child groups other than `mine` do not hold:
 * what `mine` can have in all (the kernel refuses a child budget the parent's cannot cover, EINVAL).
 */
const freeUnder = (parent: string, mine: readonly string[]) =>
  rtOf(parent) -
  childGroups(parent)
    .filter((d) => !mine.includes(d))
    .reduce((sum, d) => sum + rtOf(d), 0);

/**
 * Gives the cgroup v1 cpu groups of `pids` a real-time budget, so their processes can be put
 * under SCHED_FIFO for an "isolated" fixed-rate row: Omega's plugin hosts sit in cpu cgroups
 * whose `cpu.rt_runtime_us` is 0, where the kernel refuses SCHED_FIFO, so an isolated Omega row
 * otherwise left every plugin host (the one serving the route too) waiting for a CPU at normal
 * priority. Only groups in a kernel's plugin-host subtree (`omega-plugins-k<pid>-<n>` and below)
 * are budgeted, with the path down to it, and only those whose budget is 0: a group that has
 * one (someone else's) is never raised, and a pid in any other group (a server's, the bench's
 * own) is refused. The groups' ancestors get {@link SUBTREE_US} per period, or what their
 * parents' budgets have left free when that is less (another group holding RT time: a second
 * bench, a test), and the groups under one parent share it equally (RT group scheduling requires
 * a parent's budget to cover its children's); the budget also bounds what a spinning host under
 * SCHED_FIFO can take. Returns the undo (leaves back to 0 first, then the ancestors to what
 * they had; it returns the groups it could not put back, e.g. EBUSY while a task in one still
 * runs under SCHED_FIFO, a group removed meanwhile being no problem), and the pids whose group
 * it could not or may not budget (no RT time free, no RT group scheduling, not root, not a
 * plugin-host group).
 */
export function grantRtBudget(pids: number[]): { undo: () => string[]; refused: number[] } {
  const leafOf = new Map(pids.map((pid) => [pid, cpuCgroupOf(pid)] as const));
  const leaves = [...new Set([...leafOf.values()].filter((d): d is string => d !== undefined))];
  // a server's, the bench's own or any other group is not the bench's to give RT time to
  const failed = new Set(leaves.filter((d) => !inPluginSubtree(d)));
  const written: Array<{ dir: string; was: number }> = [];
  const undo = () => {
    const problems: string[] = [];
    for (const { dir, was } of written.splice(0).reverse()) {
      try {
        setRt(dir, was);
      } catch (err) {
        // ENOENT: removed meanwhile (its host exited); EBUSY: a task in it still runs under SCHED_FIFO
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT') problems.push(`${dir}: cpu.rt_runtime_us left as granted (${code ?? err})`);
      }
    }
    return problems;
  };
  const byParent = new Map<string, string[]>();
  for (const leaf of leaves.filter((d) => !failed.has(d)))
    byParent.set(dirname(leaf), [...(byParent.get(dirname(leaf)) ?? []), leaf]);
  for (const [parent, group] of byParent) {
    // ancestors top-down, below the hierarchy's root
    const chain: string[] = [];
    for (let d = parent; !CPU_MOUNTS.includes(d) && d !== '/'; d = dirname(d)) chain.unshift(d);
    try {
      let budget = SUBTREE_US;
      for (const dir of chain) {
        budget = Math.min(budget, freeUnder(dirname(dir), [dir]));
        if (budget <= 0) throw new Error(`${dirname(dir)}: no RT budget free`);
        const was = rtOf(dir);
        if (was !== 0) continue; // budgeted by someone else: never raised (its free part is used below)
        setRt(dir, budget);
        written.push({ dir, was });
      }
      const each = Math.floor(Math.min(budget, freeUnder(parent, group)) / group.length);
      if (each <= 0) throw new Error(`${parent}: no RT budget free`);
      for (const dir of group) {
        const was = rtOf(dir);
        if (was !== 0) continue; // can run SCHED_FIFO already; never raised
        setRt(dir, each);
        written.push({ dir, was });
      }
    } catch {
      for (const dir of group) failed.add(dir);
    }
  }
  const refused = pids.filter((pid) => {
    const leaf = leafOf.get(pid);
    return leaf !== undefined && failed.has(leaf);
  });
  return { undo, refused };
}
