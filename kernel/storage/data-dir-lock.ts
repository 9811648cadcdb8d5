import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, open, readdir, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { omegaError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { syncDir } from './durable-file.js';
import { writeFailed } from './storage-errors.js';

/** What a lock file says about the kernel that holds it. */
export interface LockHolder {
  pid: number;
  /** The process's start time in clock ticks since boot (`/proc/<pid>/stat` field 22), when known. */
  startTicks: string | null;
  /** `/proc/sys/kernel/random/boot_id` when the lock was taken, when known. */
  bootId: string | null;
  host: string;
  /** When the lock was taken (ISO 8601). */
  since: string;
  /** Random: tells this lock from a later one of the same process. */
  token: string;
}

/** A held data-directory lock; `release` is its undo. */
export interface DataDirLock {
  readonly file: string;
  readonly holder: LockHolder;
  /** Removes the lock file if it is still this lock (idempotent). */
  release(): Promise<void>;
}

/** The lock file inside a data directory. */
export const LOCK_FILE = 'kernel.lock';
const ATTEMPTS = 40;
const RETRY_MS = 50;

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Field 22 of `/proc/<pid>/stat` (start time in ticks since boot), or null without /proc or process. */
export function processStartTicks(pid: number): string | null {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === null) return null;
  // The command name (field 2) is in parentheses and may hold spaces or ')': split after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return rest[19] ?? null; // rest[0] is field 3
}

function bootId(): string | null {
  return readText('/proc/sys/kernel/random/boot_id')?.trim() ?? null;
}

/**
 * True when the process that took `holder` still runs: same boot, and the pid is alive with
 * the same start time (so a pid reused by another process after a crash does not count).
 * A lock taken on another host cannot be checked, so it counts as alive.
 */
export function holderAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  const boot = bootId();
  if (boot !== null && holder.bootId !== null && boot !== holder.bootId) return false;
  if (existsProc()) {
    const start = processStartTicks(holder.pid);
    if (start === null) return false;
    return holder.startTicks === null || start === holder.startTicks;
  }
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const existsProc = (): boolean => readText('/proc/self/stat') !== null;

function parseHolder(text: string): LockHolder | null {
  try {
    const h = JSON.parse(text) as Partial<LockHolder>;
    if (!Number.isSafeInteger(h.pid) || typeof h.token !== 'string' || typeof h.host !== 'string')
      return null;
    return {
      pid: h.pid as number,
      startTicks: typeof h.startTicks === 'string' ? h.startTicks : null,
      bootId: typeof h.bootId === 'string' ? h.bootId : null,
      host: h.host,
      since: typeof h.since === 'string' ? h.since : '',
      token: h.token,
    };
  } catch {
    return null;
  }
}

async function readHolder(file: string): Promise<LockHolder | null | 'absent'> {
  try {
    return parseHolder(await readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw err;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function locked(dataDir: string, holder: LockHolder) {
  const where = holder.host === hostname() ? `pid ${holder.pid}` : `pid ${holder.pid} on host ${holder.host}`;
  return omegaError(
    'OMEGA_ERR_DATA_DIR_LOCKED',
    `Data directory ${dataDir} is in use by another Omega kernel (${where}, since ${holder.since}); ` +
      'stop that kernel first, or start this one with another --data-dir.',
    { dataDir, pid: holder.pid, host: holder.host },
  );
}

/**
 * Takes the lock of a data directory, or throws OMEGA_ERR_DATA_DIR_LOCKED naming the pid that
 * holds it. The lock is `<dataDir>/kernel.lock`, created whole and atomically (written to a
 * temp file, fsynced, then hard-linked into place, which fails if it exists). A lock whose
 * holder is gone (killed, crashed, rebooted; a reused pid has another start time) is stale
 * and is broken under a second, short-lived guard file, so two kernels starting at once over
 * a stale lock cannot both win.
 */
export async function acquireDataDirLock(dataDir: string, logger?: Logger): Promise<DataDirLock> {
  const file = join(dataDir, LOCK_FILE);
  const me: LockHolder = {
    pid: process.pid,
    startTicks: processStartTicks(process.pid),
    bootId: bootId(),
    host: hostname(),
    since: new Date().toISOString(),
    token: randomUUID(),
  };
  const tmp = join(dataDir, `.${LOCK_FILE}.${process.pid}.${me.token}.tmp`);
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(`${JSON.stringify(me)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw writeFailed(err, `Locking data directory ${dataDir}`, { dataDir });
  }
  try {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        await link(tmp, file);
        await syncDir(dataDir);
        await removeDeadTemps(dataDir);
        logger?.debug({ file, pid: me.pid }, 'data directory locked');
        return { file, holder: me, release: releaser(file, me.token) };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = await readHolder(file);
      if (holder === 'absent') continue; // released meanwhile: try again
      if (holder !== null && holderAlive(holder)) throw locked(dataDir, holder);
      if (await breakStale(file, holder, tmp, logger)) continue;
      await sleep(RETRY_MS); // someone else is breaking it
    }
    const holder = await readHolder(file);
    throw holder !== null && holder !== 'absent'
      ? locked(dataDir, holder)
      : omegaError('OMEGA_ERR_DATA_DIR_LOCKED', `Data directory ${dataDir} could not be locked; retry.`, {
          dataDir,
        });
  } finally {
    await unlink(tmp).catch(() => {});
  }
}

/**
 * Removes the stale lock `judged` (null: unreadable) while holding `<lock>.breaking` (linked
 * from `mine`, our complete lock content), after checking under that guard that the lock is
 * still the one judged. False when another process holds the guard.
 */
async function breakStale(
  file: string,
  judged: LockHolder | null,
  mine: string,
  logger?: Logger,
): Promise<boolean> {
  const guard = `${file}.breaking`;
  try {
    await link(mine, guard);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const other = await readHolder(guard);
    // A guard left by a breaker that died is stale itself.
    if (other === 'absent' || other === null || !holderAlive(other)) await unlink(guard).catch(() => {});
    return false;
  }
  try {
    const now = await readHolder(file);
    const same = now === null ? judged === null : now !== 'absent' && now.token === judged?.token;
    if (same) {
      await unlink(file);
      logger?.warn(
        { file, stalePid: judged?.pid ?? null, staleSince: judged?.since ?? null },
        'removed a stale data directory lock (its kernel is gone)',
      );
    }
    return true;
  } finally {
    await unlink(guard).catch(() => {});
  }
}

/** Deletes lock temp files of processes that no longer run (a crash between writing and linking). */
async function removeDeadTemps(dataDir: string): Promise<void> {
  const temp = /^\.kernel\.lock\.(\d+)\..+\.tmp$/;
  for (const name of await readdir(dataDir).catch(() => [] as string[])) {
    const pid = Number(temp.exec(name)?.[1] ?? Number.NaN);
    if (Number.isSafeInteger(pid) && pid !== process.pid && existsProc() && processStartTicks(pid) === null) {
      await unlink(join(dataDir, name)).catch(() => {});
    }
  }
}

function releaser(file: string, token: string): () => Promise<void> {
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    const holder = await readHolder(file).catch(() => null);
    if (holder !== null && holder !== 'absent' && holder.token === token) await unlink(file).catch(() => {});
  };
}
