import { mkdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execError } from '../errors/index.js';
import type { SessionContainer } from '../session-container.js';
import { parseKeyValues, readPids, readText, writeText } from './cgroup-files.js';
import type { CgroupLayout, SessionCgroupPaths, V1Controller } from './cgroup-layout.js';
import { controllerSource, cpuUsageSource } from './controller-source.js';
import { type CgroupUsage, readCgroupUsage, type UsageSources } from './read-cgroup-usage.js';

/**
 * The directory name of a session's cgroup in every hierarchy: the id itself when it already
 * starts with `s-` (as the kernel's ids do), else `s+<id>`. Ids are [A-Za-z0-9_.-], so `+`
 * keeps the two kinds apart: no two ids share a cgroup.
 */
export const sessionCgroupName = (id: string): string => (id.startsWith('s-') ? id : `s+${id}`);

/** Whether a directory under the base is named like a session's cgroup (old agents named every one `s-<id>`). */
export const isSessionCgroupName = (name: string): boolean => name.startsWith('s-') || name.startsWith('s+');

/** Polls `done()` every millisecond-ish until true or `timeoutMs` passed; returns whether it became true. */
export async function pollUntil(
  done: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 1,
): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await done()) return true;
    if (Date.now() >= until) return false;
    await sleep(intervalMs);
  }
}

/**
 * One session's cgroup across the hierarchies this node uses: the files its main process joins,
 * and freeze, thaw, kill, emptiness, usage and removal. Built from stored paths, so an agent
 * that restarted re-opens the same cgroup.
 */
export class SessionCgroup implements SessionContainer {
  readonly paths: SessionCgroupPaths;
  private readonly layout: CgroupLayout;
  private readonly sources: UsageSources;

  constructor(layout: CgroupLayout, paths: SessionCgroupPaths) {
    this.layout = layout;
    this.paths = paths;
    this.sources = {
      cpu: cpuUsageSource(layout),
      throttle: controllerSource(layout, 'cpu'),
      memory: controllerSource(layout, 'memory'),
      pids: controllerSource(layout, 'pids'),
    };
  }

  /**
   * The paths a session gets on this layout: the cgroup2 one, plus each v1 hierarchy it needs.
   * Every join is a migration, which can wait for an RCU grace period on a busy machine, so a
   * v1 cpuset or pids hierarchy is joined only when the session asks for cores or a pids limit;
   * cpu (fair share between sessions, throttling counters) and memory (usage, OOM) always are.
   */
  static pathsFor(
    layout: CgroupLayout,
    id: string,
    wants: { cpus?: unknown; pidsMax?: unknown } = { cpus: true, pidsMax: true },
  ): SessionCgroupPaths {
    const name = sessionCgroupName(id);
    const v1: SessionCgroupPaths['v1'] = {};
    for (const [c, h] of Object.entries(layout.v1) as [V1Controller, { base: string }][]) {
      if (c === 'freezer' && layout.unified) continue; // cgroup2's own freezer serves
      if (c === 'cpuacct' && layout.unified) continue; // cgroup2 core cpu.stat serves
      if (c !== 'freezer' && c !== 'cpuacct' && controllerSource(layout, c) === 'v2') continue;
      if ((c === 'cpuset' && wants.cpus === undefined) || (c === 'pids' && wants.pidsMax === undefined))
        continue;
      v1[c] = join(h.base, name);
    }
    return { unified: layout.unified ? join(layout.unified.base, name) : null, v1 };
  }

  /** Each distinct directory (co-mounted v1 controllers share one). */
  dirs(): string[] {
    const all = [this.paths.unified, ...Object.values(this.paths.v1)].filter((d): d is string => !!d);
    return [...new Set(all)];
  }

  /** The cgroup.procs files the main process writes itself into before it execs. */
  joinFiles(): string[] {
    return this.dirs().map((d) => join(d, 'cgroup.procs'));
  }

  /** The cgroup2 kill file, when the kernel has one. */
  killFile(): string | null {
    return this.paths.unified && this.layout.unified?.hasKill
      ? join(this.paths.unified, 'cgroup.kill')
      : null;
  }

  /** The v1 freezer.state file when v1 freezes this session. */
  freezerFile(): string | null {
    return !this.paths.unified && this.paths.v1.freezer ? join(this.paths.v1.freezer, 'freezer.state') : null;
  }

  /** Creates the directories (fails with OMEGA_ERR_EXEC_EXISTS when a cgroup of that name still holds processes). */
  async create(): Promise<void> {
    for (const dir of this.dirs()) {
      try {
        await mkdir(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw execError(
            'OMEGA_ERR_EXEC_CGROUP',
            `Cannot create ${dir}: ${(err as Error).message}.`,
            { file: dir },
            err,
          );
        }
        if ((await readPids(join(dir, 'cgroup.procs'))).length > 0) {
          throw execError(
            'OMEGA_ERR_EXEC_EXISTS',
            `A cgroup ${dir} of a session with this id still holds processes.`,
            { file: dir },
          );
        }
      }
    }
  }

  /** Every pid in the session (the union over hierarchies, so a half-joined process is not missed). */
  async pids(): Promise<number[]> {
    const all = await Promise.all(this.joinFiles().map((f) => readPids(f)));
    return [...new Set(all.flat())];
  }

  async isEmpty(): Promise<boolean> {
    if (this.paths.unified) {
      const events = parseKeyValues(await readText(join(this.paths.unified, 'cgroup.events')));
      if (events.populated === 1) return false;
    }
    return (await this.pids()).length === 0;
  }

  /** Freezes and waits until the kernel says every task is frozen (or the cgroup is gone: the session ended meanwhile). */
  async freeze(timeoutMs = 10_000): Promise<void> {
    const u = this.paths.unified;
    const f = this.freezerFile();
    let frozen: () => Promise<boolean>;
    if (u) {
      await writeText(join(u, 'cgroup.freeze'), '1');
      frozen = async () => {
        const events = await readText(join(u, 'cgroup.events'));
        return events === null || parseKeyValues(events).frozen === 1;
      };
    } else if (f) {
      await writeText(f, 'FROZEN');
      frozen = async () => {
        const state = await readText(f);
        return state === null || state.trim() === 'FROZEN';
      };
    } else throw execError('OMEGA_ERR_EXEC_CGROUP', 'This node has no cgroup freezer.', {});
    if (!(await pollUntil(frozen, timeoutMs))) {
      throw execError('OMEGA_ERR_EXEC_CGROUP', `The session did not freeze within ${timeoutMs} ms.`, {
        file: u ?? f,
      });
    }
  }

  /** Thaws and waits until no task is frozen. */
  async thaw(timeoutMs = 10_000): Promise<void> {
    const u = this.paths.unified;
    const f = this.freezerFile();
    if (u) {
      await writeText(join(u, 'cgroup.freeze'), '0');
      await pollUntil(
        async () => parseKeyValues(await readText(join(u, 'cgroup.events'))).frozen !== 1,
        timeoutMs,
      );
    } else if (f) {
      await writeText(f, 'THAWED');
      await pollUntil(async () => (await readText(f))?.trim() === 'THAWED', timeoutMs);
    }
  }

  /** Whether the session is frozen right now (after an agent restart, the cgroup says so). */
  async isFrozen(): Promise<boolean> {
    if (this.paths.unified)
      return parseKeyValues(await readText(join(this.paths.unified, 'cgroup.events'))).frozen === 1;
    const f = this.freezerFile();
    return f ? (await readText(f))?.trim() === 'FROZEN' : false;
  }

  /** One round of killing everything: cgroup.kill, else freeze → SIGKILL each pid → thaw. */
  async killAll(): Promise<void> {
    const k = this.killFile();
    if (k) {
      await writeText(k, '1');
      return;
    }
    const canFreeze = this.paths.unified !== null || this.freezerFile() !== null;
    if (canFreeze) await this.freeze(2_000).catch(() => {}); // a respawner cannot fork meanwhile; SIGKILL lands at thaw
    for (const pid of await this.pids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    if (canFreeze) await this.thaw();
  }

  /** Kills until empty; returns whether it emptied within `timeoutMs`. */
  async killUntilEmpty(timeoutMs = 30_000): Promise<boolean> {
    return pollUntil(
      async () => {
        if (await this.isEmpty()) return true;
        await this.killAll().catch(() => {}); // a cgroup removed meanwhile is empty: the next check says so
        return this.isEmpty();
      },
      timeoutMs,
      5,
    );
  }

  usage(): Promise<CgroupUsage> {
    return readCgroupUsage(this.paths, this.sources);
  }

  /** Removes every directory (retrying briefly: the kernel releases an emptied cgroup asynchronously). */
  async remove(): Promise<void> {
    for (const dir of this.dirs()) {
      await pollUntil(
        () =>
          rmdir(dir).then(
            () => true,
            (err: NodeJS.ErrnoException) => err.code === 'ENOENT',
          ),
        2_000,
        10,
      );
    }
  }
}
