import { readdir, readFile } from 'node:fs/promises';

/** The fields of /proc/<pid>/stat the executor uses (times in clock ticks). */
export interface ProcStat {
  pid: number;
  ppid: number;
  state: string;
  utimeTicks: number;
  stimeTicks: number;
  /** Start time since boot, in ticks: with the pid, it names one process for good (pids are reused). */
  startTicks: number;
  /** Threads still running (field 20): a leader that exited shows `Z` while its other threads run on. */
  threads: number;
}

/**
 * Whether a process still runs something: not gone (`X`), and not a zombie — except a `Z` whose
 * other threads run on (its main thread exited: pthread_exit), which is as alive as any process.
 */
export const runs = (s: { state: string; threads: number }): boolean =>
  s.state !== 'X' && (s.state !== 'Z' || s.threads > 1);

/** Parses /proc/<pid>/stat text (the command name may hold spaces and parentheses). */
export function parseProcStat(pid: number, text: string): ProcStat | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const f = text.slice(close + 2).split(' ');
  // f[0] is field 3 (state): field n is f[n - 3]
  const num = (n: number): number => Number(f[n - 3]);
  return {
    pid,
    state: f[0] ?? '?',
    ppid: num(4),
    utimeTicks: num(14),
    stimeTicks: num(15),
    startTicks: num(22),
    threads: num(20),
  };
}

/** Reads one process's stat; `null` when it is gone. */
export async function readProcStat(pid: number): Promise<ProcStat | null> {
  try {
    return parseProcStat(pid, await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** Every process on the machine (one pass over /proc). */
export async function listProcesses(): Promise<ProcStat[]> {
  const names = await readdir('/proc');
  const stats = await Promise.all(names.filter((n) => /^\d+$/.test(n)).map((n) => readProcStat(Number(n))));
  return stats.filter((s): s is ProcStat => s !== null);
}

/** The pids below `root` in the parent tree (not `root` itself). */
export function descendantsOf(root: number, all: readonly ProcStat[]): number[] {
  const children = new Map<number, number[]>();
  for (const p of all) {
    const list = children.get(p.ppid);
    if (list) list.push(p.pid);
    else children.set(p.ppid, [p.pid]);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const c of children.get(queue.shift()!) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

/** True while the process that had `startTicks` runs (a zombie, or a new process on a reused pid, is not it). */
export async function isAlive(pid: number, startTicks: number): Promise<boolean> {
  const s = await readProcStat(pid);
  return s !== null && runs(s) && s.startTicks === startTicks;
}

/**
 * Live pids whose real or effective uid is `uid` (an allocated session uid names one session's
 * processes). A zombie is not counted: it runs nothing, and an unreaped one would keep a failed
 * start's uid reserved for good — unless other threads of it run on (see {@link runs}).
 */
export async function pidsOfUid(uid: number): Promise<number[]> {
  const names = (await readdir('/proc')).filter((n) => /^\d+$/.test(n));
  const found = await Promise.all(
    names.map(async (n) => {
      try {
        const text = await readFile(`/proc/${n}/status`, 'utf8');
        const state = /^State:\s+(\S)/m.exec(text)?.[1] ?? '?';
        const threads = Number(/^Threads:\s+(\d+)/m.exec(text)?.[1] ?? 1);
        if (!runs({ state, threads })) return 0;
        const m = /^Uid:\s+(\d+)\s+(\d+)/m.exec(text);
        return m && (Number(m[1]) === uid || Number(m[2]) === uid) ? Number(n) : 0;
      } catch {
        return 0;
      }
    }),
  );
  return found.filter((p) => p > 0);
}

/** Resident memory of a process in bytes (VmRSS), 0 when gone or a kernel thread. */
export async function readRssBytes(pid: number): Promise<number> {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
