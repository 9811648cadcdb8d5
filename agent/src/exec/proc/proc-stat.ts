import { close as closeFd, open, read } from 'node:fs';
import { readdir } from 'node:fs/promises';

const CHUNK = 4096;
/** /proc files read at once in a pass: one per process on the host would open as many fds at once. */
const PASS_CONCURRENCY = 32;
const ignore = (): void => {};
/**
 * The process is gone (no such file, or it exited between open and read), or not this agent's to
 * see: a non-root agent on a /proc mounted hidepid=1 (systemd ProtectProc=noaccess) lists other
 * users' pids but may not open them (EACCES/EPERM) — they are not a session's (it reads its own
 * uid's), and a recorded pid now held by another user's process is not the session's either.
 */
const gone = (e: NodeJS.ErrnoException): boolean =>
  e.code === 'ENOENT' || e.code === 'ESRCH' || e.code === 'EACCES' || e.code === 'EPERM';

/**
 * A /proc file's text, `null` when its process is gone: one open, one read (a status with a long
 * Groups line takes more) and one close, where `readFile` also fstat()s and reads once more for
 * the end. A usage sample reads one file per process on the host, so this is most of its cost. A
 * short read is the end: a procfs file is generated whole on the first read. Any other error
 * (EMFILE, EIO) is thrown: taken for "gone", it would let a pass report a live session empty.
 */
export function readProcFile(path: string): Promise<string | null> {
  return new Promise((resolve, reject) => {
    open(path, 'r', (err, fd) => {
      if (err) return gone(err) ? resolve(null) : reject(err);
      const chunks: Buffer[] = [];
      const next = (): void => {
        const buf = Buffer.allocUnsafe(CHUNK);
        read(fd, buf, 0, CHUNK, null, (e, n) => {
          if (!e && n === CHUNK) {
            chunks.push(buf);
            return next();
          }
          closeFd(fd, ignore);
          if (e) return gone(e) ? resolve(null) : reject(e);
          chunks.push(buf.subarray(0, n));
          resolve(Buffer.concat(chunks).toString('utf8'));
        });
      };
      next();
    });
  });
}

/** `read` of each item, {@link PASS_CONCURRENCY} at a time (as many /proc files open at most), in order. */
export async function mapLimited<I, T>(items: readonly I[], read: (item: I) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await read(items[i] as I);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PASS_CONCURRENCY, items.length) }, worker));
  return out;
}

/** `read` of every process on the host, {@link PASS_CONCURRENCY} at a time; the gone left out. */
async function eachProcess<T>(read: (pid: number) => Promise<T | null>): Promise<T[]> {
  const pids = (await readdir('/proc')).filter((n) => /^\d+$/.test(n)).map(Number);
  return (await mapLimited(pids, read)).filter((v): v is T => v !== null);
}

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
  const text = await readProcFile(`/proc/${pid}/stat`);
  return text === null ? null : parseProcStat(pid, text);
}

/** Every process on the machine (one pass over /proc). */
export function listProcesses(): Promise<ProcStat[]> {
  return eachProcess(readProcStat);
}

/** The pids below `root` in the parent tree (not `root` itself). */
export function descendantsOf(root: number, all: readonly { pid: number; ppid: number }[]): number[] {
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

/** The fields of /proc/<pid>/status the executor uses: a process's tree, liveness and uids in one read. */
export interface ProcStatus {
  pid: number;
  ppid: number;
  state: string;
  threads: number;
  realUid: number;
  effectiveUid: number;
  /** VmRSS in bytes (0 for a kernel thread or a zombie). */
  rssBytes: number;
}

/**
 * Parses /proc/<pid>/status text; `null` when it lacks a field (not a status). Only the lines after
 * the first are read, each field by its exact `Key:\t` prefix on a line split at `\n` alone: the
 * first line is `Name:` with the command name, which the process chooses (prctl, the file it
 * execs) and where the kernel escapes only `\n` — a `\r`, U+2028 or U+2029 in it would start a
 * "line" for a multiline regex, and a name spelling `\rState:\tZ` would hide a live process.
 */
export function parseProcStatus(pid: number, text: string): ProcStatus | null {
  const fields = new Map<string, string>();
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(':\t');
    if (colon > 0 && !fields.has(line.slice(0, colon)))
      fields.set(line.slice(0, colon), line.slice(colon + 2));
  }
  const state = /^(\S) /.exec(fields.get('State') ?? '')?.[1];
  const ppid = /^\d+$/.exec(fields.get('PPid') ?? '')?.[0];
  const uids = /^(\d+)\t(\d+)\t/.exec(fields.get('Uid') ?? '');
  const threads = /^\d+$/.exec(fields.get('Threads') ?? '')?.[0];
  if (state === undefined || ppid === undefined || uids === null || threads === undefined) return null;
  const rssKb = /^\s*(\d+) kB$/.exec(fields.get('VmRSS') ?? '')?.[1];
  return {
    pid,
    ppid: Number(ppid),
    state,
    threads: Number(threads),
    realUid: Number(uids[1]),
    effectiveUid: Number(uids[2]),
    rssBytes: rssKb === undefined ? 0 : Number(rssKb) * 1024,
  };
}

/** Reads one process's status; `null` when it is gone. */
export async function readProcStatus(pid: number): Promise<ProcStatus | null> {
  const text = await readProcFile(`/proc/${pid}/status`);
  return text === null ? null : parseProcStatus(pid, text);
}

/** Every process on the machine by its status (one pass over /proc, one read per process). */
export function listProcStatuses(): Promise<ProcStatus[]> {
  return eachProcess(readProcStatus);
}

/** Whether a process belongs to `uid`: its real or its effective uid is it. */
export const hasUid = (s: ProcStatus, uid: number): boolean => s.realUid === uid || s.effectiveUid === uid;

/**
 * Live pids whose real or effective uid is `uid` (an allocated session uid names one session's
 * processes), from a fresh pass over /proc: a process may take the uid at any time (setuid, or
 * exec of a setuid binary) without a new pid. A zombie is not counted: it runs nothing, and an
 * unreaped one would keep a failed start's uid reserved for good — unless other threads of it
 * run on (see {@link runs}).
 */
export async function pidsOfUid(uid: number): Promise<number[]> {
  return (await listProcStatuses()).filter((s) => runs(s) && hasUid(s, uid)).map((s) => s.pid);
}
