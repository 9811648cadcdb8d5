import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash, randomInt } from 'node:crypto';
import { constants } from 'node:fs';
import { access, chmod, mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { detectCgroupLayout } from '../../src/exec/cgroup/detect-cgroup-layout.js';
import { prepareCgroupBase } from '../../src/exec/cgroup/prepare-cgroup-base.js';
import { SessionCgroup } from '../../src/exec/cgroup/session-cgroup.js';
import {
  createExecutor,
  type Executor,
  type ExecutorOptions,
  type SessionStatus,
  type SessionUsageEvent,
} from '../../src/exec/index.js';
import { silentLogger } from '../../src/exec/logger.js';
import { readProcStat, runs } from '../../src/exec/proc/proc-stat.js';

const run = promisify(execFile);

/** The tests need root (cgroups, uid switching); true when they have it. */
export const isRoot = process.getuid?.() === 0;

let cc: Promise<boolean> | null = null;
/** Whether a C compiler exists (the supervisor and the hostile fixtures are built with it). */
export const hasCc = (): Promise<boolean> =>
  (cc ??= run('cc', ['--version']).then(
    () => true,
    () => false,
  ));

/** Why the suites without cgroups cannot run here, or null when they can (root for the uids, cc for the supervisor). */
export async function noCgroupSkipReason(): Promise<string | null> {
  if (!isRoot) return 'not root: sessions need root for their uids';
  if (!(await hasCc())) return 'no C compiler (cc): the supervisor is built from source';
  return null;
}

/** Whether `pid` still runs something (not gone, not a zombie: proc-stat's `runs`). */
export async function running(pid: number): Promise<boolean> {
  const s = await readProcStat(pid);
  return s !== null && runs(s);
}

/** Why the real-cgroup suites cannot run here, or null when they can (root, a writable cgroup, cc). */
export async function skipReason(): Promise<string | null> {
  if (!isRoot) return 'not root: cgroups and per-session uids need root';
  if (!(await hasCc()))
    return 'no C compiler (cc): the supervisor and the hostile fixtures are built from source';
  const parent = `omega-probe-${process.pid}-${randomInt(1e9)}`;
  const layout = await prepareCgroupBase(await detectCgroupLayout({ parent }), silentLogger);
  await removeBase(layout);
  if (layout.mode === 'none') return `no writable cgroup (${layout.notes.join('; ')})`;
  return null;
}

async function removeBase(layout: Awaited<ReturnType<typeof detectCgroupLayout>>): Promise<void> {
  const dirs = [
    layout.unified && join(layout.unified.base, 'supervisors'),
    layout.unified?.base,
    ...Object.values(layout.v1).map((h) => h?.base),
  ];
  for (const d of new Set(dirs.filter((x): x is string => !!x))) await run('rmdir', [d]).catch(() => {});
}

let hostile: Promise<string> | null = null;
/**
 * Builds test/exec/fixtures/hostile.c once (per source version: /tmp/omega-hostile-<hash>, shared by
 * every test file and run), into a directory every session uid can read.
 */
export function hostileBinary(): Promise<string> {
  hostile ??= (async () => {
    const source = join(import.meta.dirname, 'fixtures', 'hostile.c');
    const hash = createHash('sha256')
      .update(await readFile(source))
      .digest('hex')
      .slice(0, 16);
    const dir = join(tmpdir(), `omega-hostile-${hash}`);
    const bin = join(dir, 'hostile');
    if (
      await access(bin, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return bin;
    await mkdir(dir, { recursive: true, mode: 0o755 });
    await chmod(dir, 0o755);
    const tmp = `${bin}.${process.pid}.tmp`;
    await run('cc', ['-O2', '-pthread', '-o', tmp, source], { timeout: 120_000 });
    await chmod(tmp, 0o755);
    await rename(tmp, bin);
    return bin;
  })();
  return hostile;
}

/** Polls until `fn` returns something truthy; fails after `timeoutMs` (a safety bound, not a performance limit). */
export async function waitFor<T>(
  fn: () => Promise<T> | T,
  what: string,
  timeoutMs = 30_000,
  everyMs = 25,
): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Pids of live processes (not zombies) whose real or effective uid is in [lo, hi], in one pass over /proc. */
export async function pidsInUidRange(lo: number, hi: number): Promise<number[]> {
  const names = (await readdir('/proc')).filter((n) => /^\d+$/.test(n));
  const found = await Promise.all(
    names.map(async (n) => {
      const status = await readFile(`/proc/${n}/status`, 'utf8').catch(() => '');
      const m = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
      if (!m || /^State:\s+Z/m.test(status)) return 0;
      const [r, e] = [Number(m[1]), Number(m[2])];
      return (r >= lo && r <= hi) || (e >= lo && e <= hi) ? Number(n) : 0;
    }),
  );
  return found.filter((p) => p > 0);
}

/** One executor on a temp data dir, its own cgroup parent and its own uid range; `cleanup()` leaves nothing behind. */
export interface Harness {
  ex: Executor;
  dataDir: string;
  parent: string;
  uidRange: [number, number];
  /** Pids still running as any uid of the range (must be none after a session ended). */
  leftovers(): Promise<number[]>;
  /** Every warning and error the executor logged (printed at cleanup: they explain a failure). */
  problems: { level: string; obj: object; msg?: string }[];
  /** The session's cgroup directories on this node (they must be gone once it ended). */
  cgroupDirs(id: string): Promise<string[]>;
  cleanup(): Promise<void>;
}

/** Where a harness keeps its state: a temp data dir, a cgroup parent and a uid range of its own. */
export interface HarnessBase {
  dataDir: string;
  parent: string;
  uidRange: [number, number];
}

/** A fresh base (for a test that runs an agent process of its own on it first). */
export async function harnessBase(): Promise<HarnessBase> {
  const dataDir = await mkdtemp(join(tmpdir(), 'omega-exec-'));
  const lo = 3_000_000 + randomInt(0, 900_000);
  return { dataDir, parent: `omega-test-${process.pid}-${randomInt(1e9)}`, uidRange: [lo, lo + 63] };
}

/** The executor options of a harness (the 1 s tick shortened to 200 ms so ends are noticed sooner; the built supervisor unless `helperDir` is given). */
export function harnessOptions(base: HarnessBase, options: Partial<ExecutorOptions> = {}): ExecutorOptions {
  return {
    dataDir: base.dataDir,
    uidRange: base.uidRange,
    usageIntervalMs: 200,
    ...options,
    cgroup: { parent: base.parent, ...options.cgroup },
    helperDir: options.helperDir ?? join(tmpdir(), 'omega-shim-test-bin'),
  };
}

/** Creates a harness; options override the defaults. */
export async function harness(
  options: Partial<ExecutorOptions> = {},
  existing?: HarnessBase,
): Promise<Harness> {
  const base = existing ?? (await harnessBase());
  const { dataDir, parent, uidRange } = base;
  const [lo, hi] = uidRange;
  const problems: Harness['problems'] = [];
  const logger = {
    debug() {},
    info() {},
    warn: (obj: object, msg?: string) => problems.push({ level: 'warn', obj, msg }),
    error: (obj: object, msg?: string) => problems.push({ level: 'error', obj, msg }),
  };
  const ex = await createExecutor({ ...harnessOptions(base, options), logger });
  const leftovers = () => pidsInUidRange(lo, hi);
  return {
    ex,
    dataDir,
    parent,
    uidRange,
    leftovers,
    problems,
    async cgroupDirs(id) {
      const layout = await detectCgroupLayout({ ...options.cgroup, parent });
      if (layout.mode === 'none') return [];
      return new SessionCgroup(layout, SessionCgroup.pathsFor(layout, id)).dirs();
    },
    async cleanup() {
      for (const p of problems)
        if (p.level === 'error') console.warn(`[executor error] ${p.msg ?? ''} ${JSON.stringify(p.obj)}`);
      for (const s of ex.list())
        if (s.phase !== 'ended') await ex.terminate(s.id, { graceMs: 0 }).catch(() => {});
      await ex.close();
      for (const pid of await leftovers()) process.kill(pid, 'SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs the real executor in a child process (a stand-in for the agent, see fixtures/agent-process.ts)
 * on a harness base, starts `sessions` there, and collects what it reports; kill `child` to crash it.
 */
export function runAgent(base: HarnessBase, sessions: unknown[], options: Partial<ExecutorOptions> = {}) {
  const fixture = join(import.meta.dirname, 'fixtures', 'agent-process.ts');
  const config = JSON.stringify({ options: harnessOptions(base, options), sessions });
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', fixture, config], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const started = new Map<string, SessionStatus>();
  const usage = new Map<string, SessionUsageEvent['usage']>();
  let ready = false;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const msg = JSON.parse(line) as { started?: SessionStatus; usage?: SessionUsageEvent; ready?: boolean };
    if (msg.started) started.set(msg.started.id, msg.started);
    if (msg.usage) usage.set(msg.usage.id, msg.usage.usage);
    if (msg.ready) ready = true;
  });
  return { child, started, usage, isReady: () => ready };
}
