import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { grantRtBudget } from './open-loop-rt-budget.js';

/** The SCHED_FIFO priority the generator runs at: above every normal process, below the kernel's own RT threads (50). */
const PRIORITY = 10;

let probed: boolean | undefined;
/** Undoes the RT budgets the last `setRealtime(…, true)` gave its processes' cpu cgroups. */
let ungrant: (() => string[]) | undefined;
/** The pids the last `setRealtime(…, true)` put under SCHED_FIFO, until they are put back. */
let granted: number[] = [];

/**
 * The command prefix that runs the open-loop generator under SCHED_FIFO (`chrt -f 10`), or `[]`
 * where that is impossible (no `chrt`, not root / no CAP_SYS_NICE). A generator at normal
 * priority shares the CPUs with whatever else runs (other builds, the bench's idle servers):
 * each time it waits for a CPU, both its dispatch and its receive timestamps slip and the slip is
 * charged to the server. Under SCHED_FIFO it runs the moment it wakes; the server under test
 * stays at normal priority, so its own scheduling delays are still charged to it. RT throttling
 * (95 % of a CPU-second) bounds it, and it sleeps between requests.
 */
export function realtimePrefix(): string[] {
  probed ??=
    spawnSync('chrt', ['-f', String(PRIORITY), 'true'], { stdio: 'ignore', timeout: 5000 }).status === 0;
  return probed ? ['chrt', '-f', String(PRIORITY)] : [];
}

/** Whether `pid` has exited or is a zombie (exited, not yet reaped): nothing left to schedule. */
const gone = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] === 'Z';
  } catch {
    return true;
  }
};

/**
 * Puts every thread of `pids` under SCHED_FIFO (`on`) or back to SCHED_OTHER, for an "isolated"
 * fixed-rate row: the server then waits for no other process either, and what is left of its
 * tail is its own (GC pauses, its JavaScript, the loopback path) and the VM's (steal). Children
 * and threads a server starts meanwhile start at normal priority (reset on fork). A process in
 * a cgroup v1 cpu group without an RT budget (Omega's plugin hosts: the kernel refuses
 * SCHED_FIFO there) has its group given one for the row (open-loop-rt-budget.ts; taken back by
 * the call with `on` false), so the host serving the route is isolated too. Only the groups of
 * `budgeted` (default: all of `pids`) get one: the bench passes the host serving the measured
 * route alone, which then has the whole budget (split equally among every plugin host, each got
 * ~80 ms per second, less than the serving host uses at 1,000 req/s: it was throttled, and every
 * build's isolated plugin-route row read the same 1.18 ms); the other hosts stay at normal
 * priority. Returns the pids left at normal priority (where chrt is not allowed at all, or a group
 * could not or was not to be budgeted). A pid that has exited (or is an unreaped zombie) is skipped.
 */
export function setRealtime(pids: number[], on: boolean, budgeted: readonly number[] = pids): number[] {
  if (realtimePrefix().length === 0) return pids;
  // -R (reset on fork): a process or thread a server starts meanwhile (a restarted plugin host,
  // lspci) starts at normal priority instead of inheriting SCHED_FIFO beyond the row.
  if (!on) {
    const normal = toNormal(pids);
    granted = granted.filter((pid) => !pids.includes(pid));
    // Back at normal priority: the groups' RT budgets go (a budget left would let a host that
    // somehow kept SCHED_FIFO run ahead of everything).
    for (const problem of ungrant?.() ?? []) process.stderr.write(`setRealtime: ${problem}\n`);
    ungrant = undefined;
    return normal;
  }
  for (const problem of ungrant?.() ?? []) process.stderr.write(`setRealtime: ${problem}\n`);
  ungrant = grantRtBudget(pids.filter((pid) => budgeted.includes(pid))).undo;
  granted = [...new Set([...granted, ...pids])];
  return pids.filter((pid) => !chrt(['-R', '-f', '-a', '-p', String(PRIORITY)], pid));
}

/** Runs `chrt <args> <pid>`; true when it worked or the process is gone. */
const chrt = (args: string[], pid: number) =>
  spawnSync('chrt', [...args, String(pid)], { stdio: 'ignore', timeout: 5000 }).status === 0 || gone(pid);
/** Puts every thread of `pids` back to SCHED_OTHER; returns those it could not. */
const toNormal = (pids: number[]) => pids.filter((pid) => !chrt(['-o', '-a', '-p', '0'], pid));

/**
 * Undoes whatever `setRealtime(…, true)` left in place, synchronously (for a bench's exit and
 * signal handlers: a run stopped mid-row must not leave a server under SCHED_FIFO or its plugin
 * hosts' groups with an RT budget): puts the pids it granted back to SCHED_OTHER, then takes the
 * groups' RT budgets back. Returns what it could not undo, one line each (a pid chrt refused, a
 * group whose budget the kernel kept: EBUSY while one of its tasks still runs under SCHED_FIFO);
 * empty when all is back.
 */
export function releaseRealtime(): string[] {
  const problems = toNormal(granted).map((pid) => `pid ${pid}: still under SCHED_FIFO (chrt -o refused)`);
  granted = [];
  problems.push(...(ungrant?.() ?? []));
  ungrant = undefined;
  return problems;
}
