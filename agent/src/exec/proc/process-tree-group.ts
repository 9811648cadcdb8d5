import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CgroupUsage } from '../cgroup/read-cgroup-usage.js';
import { pollUntil } from '../cgroup/session-cgroup.js';
import type { SessionContainer } from '../session-container.js';
import {
  descendantsOf,
  hasUid,
  listProcStatuses,
  mapLimited,
  type ProcStatus,
  parseProcStat,
  readProcStat,
  runs,
} from './proc-stat.js';

const TICKS_PER_SEC = 100;

/**
 * Whether a process is stopped (or gone): state `T`, or a zombie — a zombie leader whose other
 * threads run on only once each of them is (its own state stays `Z`).
 */
async function isStopped(pid: number): Promise<boolean> {
  const s = await readProcStat(pid);
  if (s === null || s.state === 'T') return true;
  if (s.state !== 'Z') return false;
  if (s.threads <= 1) return true;
  const tids = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  const tasks = await Promise.all(
    tids.map((t) =>
      readFile(`/proc/${pid}/task/${t}/stat`, 'utf8').then(
        (x) => parseProcStat(Number(t), x),
        () => null,
      ),
    ),
  );
  return tasks.every((t) => t === null || t.state === 'T' || t.state === 'Z' || t.state === 'X');
}

const signal = (pids: readonly number[], sig: NodeJS.Signals): void => {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {}
  }
};

/**
 * A session without cgroups: the processes below its supervisor (a child subreaper, so
 * double-forked daemons come back under it) plus, when the session has a uid of its own,
 * every process of that uid. Pause is SIGSTOP (not a freeze) and usage is sampled from /proc.
 */
export class ProcessTreeGroup implements SessionContainer {
  private root: number;
  private readonly rootStartTicks: number | null;
  private readonly includeRoot: boolean;
  private readonly uid: number | null;
  private peakRss = 0;
  private maxUser = 0;
  private maxSystem = 0;
  private stopped = false;

  /**
   * `root`: the supervisor (excluded) or, without one, the main process (included); 0 when no
   * pid is known (then only `uid`'s processes belong to it). `rootStartTicks`: the root's start
   * time, when known: once the pid runs another process (the root ended and its pid was reused),
   * the tree below it is no longer the session's. `uid`: a uid only this session uses.
   */
  constructor(
    root: number,
    options: { includeRoot: boolean; uid: number | null; rootStartTicks?: number | null; stopped?: boolean },
  ) {
    this.root = root;
    this.rootStartTicks = options.rootStartTicks || null; // 0: not known (the process was gone when its stat was read)
    this.includeRoot = options.includeRoot;
    this.uid = options.uid;
    this.stopped = options.stopped ?? false;
  }

  /**
   * The session's live processes. A root of 0 or 1 (no pid recorded, or a pid read as init's)
   * holds no tree: every process on the host descends from them, and this set is what gets killed.
   * Nor does a root whose pid now names a process started at another time: from then on only
   * `uid`'s processes count (its own children were reparented when it ended).
   */
  async pids(): Promise<number[]> {
    return (await this.members()).map((p) => p.pid);
  }

  /**
   * {@link pids} with their status, from one fresh pass over /proc every call (tree, liveness and
   * uids are all in /proc/<pid>/status; nothing is cached: a process may take the uid at any time).
   */
  private async members(): Promise<ProcStatus[]> {
    const uid = this.uid !== null && this.uid > 0 ? this.uid : null;
    if (this.root <= 1 && uid === null) return [];
    const all = await listProcStatuses();
    const ours = new Set<number>();
    if (this.root > 1 && this.rootStartTicks !== null) {
      // Read after the pass: a root still started at those ticks now was the same process during it.
      const root = await readProcStat(this.root);
      if (root !== null && root.startTicks !== this.rootStartTicks) this.root = 0;
    }
    if (this.root > 1) {
      for (const pid of descendantsOf(this.root, all)) ours.add(pid);
      if (this.includeRoot) ours.add(this.root);
    }
    return all.filter(
      (p) => p.pid !== process.pid && runs(p) && (ours.has(p.pid) || (uid !== null && hasUid(p, uid))),
    );
  }

  async isEmpty(): Promise<boolean> {
    return (await this.pids()).length === 0;
  }

  /** SIGSTOP until every process is stopped (new children forked meanwhile get stopped on the next round). */
  async freeze(): Promise<void> {
    this.stopped = true;
    await pollUntil(
      async () => {
        const pids = await this.pids();
        signal(pids, 'SIGSTOP');
        await sleep(2);
        return (await mapLimited(pids, isStopped)).every(Boolean);
      },
      10_000,
      5,
    );
  }

  async thaw(): Promise<void> {
    this.stopped = false;
    signal(await this.pids(), 'SIGCONT');
  }

  async isFrozen(): Promise<boolean> {
    return this.stopped;
  }

  async killAll(): Promise<void> {
    signal(await this.pids(), 'SIGKILL');
  }

  async killUntilEmpty(timeoutMs = 30_000): Promise<boolean> {
    return pollUntil(
      async () => {
        const pids = await this.pids();
        if (pids.length === 0) return true;
        signal(pids, 'SIGKILL');
        return false;
      },
      timeoutMs,
      5,
    );
  }

  /** Sums the live processes; user/system never go down (exited processes' time is not counted). */
  async usage(): Promise<CgroupUsage> {
    const members = await this.members();
    const stats = await mapLimited(members, (p) => readProcStat(p.pid));
    let user = 0;
    let system = 0;
    let rss = 0;
    for (const [i, s] of stats.entries()) {
      if (!s) continue;
      user += s.utimeTicks / TICKS_PER_SEC;
      system += s.stimeTicks / TICKS_PER_SEC;
      rss += members[i]?.rssBytes ?? 0;
    }
    this.maxUser = Math.max(this.maxUser, user);
    this.maxSystem = Math.max(this.maxSystem, system);
    this.peakRss = Math.max(this.peakRss, rss);
    return {
      cpuUserSec: this.maxUser,
      cpuSystemSec: this.maxSystem,
      cpuTotalSec: this.maxUser + this.maxSystem,
      throttledSec: null,
      throttledPeriods: null,
      memoryCurrentBytes: rss,
      memoryPeakBytes: this.peakRss,
      pidsCurrent: members.length,
      oomKills: 0,
    };
  }

  async remove(): Promise<void> {}
}
