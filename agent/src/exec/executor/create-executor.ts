import { EventEmitter } from 'node:events';
import { chmod, mkdir, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { detectCgroupLayout } from '../cgroup/detect-cgroup-layout.js';
import { prepareCgroupBase, SUPERVISORS_DIR } from '../cgroup/prepare-cgroup-base.js';
import { pollUntil } from '../cgroup/session-cgroup.js';
import { buildEnforcementReport, type EnforcementReport } from '../enforcement-report.js';
import { execError } from '../errors/index.js';
import { readPasswd } from '../identity/lookup-user.js';
import { UidAllocator } from '../identity/uid-allocator.js';
import { silentLogger } from '../logger.js';
import type { LogSearchResult } from '../logs/search-log.js';
import { detectQuotaMechanism } from '../quota/work-dir-quota.js';
import type { ExecutorEvents, SessionStatus, SessionUsage } from '../session-types.js';
import type { SessionSpecInput } from '../spec/session-spec.js';
import { ensureShim } from '../supervisor/build-shim.js';
import { adoptSessions } from './adopt-sessions.js';
import { type ExecutorContext, trackTermination } from './executor-context.js';
import { type ExecutorOptions, resolveOptions } from './executor-options.js';
import { finalizeSession } from './finalize-session.js';
import { monitorTick } from './monitor-tick.js';
import { nodeCpus } from './node-cpus.js';
import { pauseSession, resumeSession } from './pause-session.js';
import {
  downloadSessionLog,
  readSessionLog,
  type SessionLogChunk,
  searchSessionLog,
} from './session-logs.js';
import type { SessionRuntime } from './session-runtime.js';
import { startSession } from './start-session.js';
import { terminateSession } from './terminate-session.js';
import { toSessionUsage } from './to-session-usage.js';
import { waitForPending } from './wait-for-pending.js';

/** The session executor the node agent calls (see docs/agent-executor.md). */
export interface Executor {
  /** What this node really enforces, feature by feature. */
  report(): EnforcementReport;
  /** Starts a session; resolves once its command runs (coded errors otherwise). */
  start(spec: SessionSpecInput): Promise<SessionStatus>;
  /** SIGTSTP, then freeze until really frozen (`graceMs` between them, default pauseGraceMs). */
  pause(id: string, options?: { graceMs?: number }): Promise<SessionStatus>;
  /** Thaw, then SIGCONT. */
  resume(id: string): Promise<SessionStatus>;
  /**
   * SIGTERM → `graceMs` (default 10 s) → kill the tree → wait until empty → final usage → ended
   * `terminated`. A session whose start is under way is terminated once it started (NOT_FOUND
   * only when that start failed: then nothing runs).
   */
  terminate(id: string, options?: { graceMs?: number; reason?: string }): Promise<SessionStatus>;
  status(id: string): SessionStatus;
  list(): SessionStatus[];
  /** A fresh usage sample (the final one once ended). */
  usage(id: string): Promise<SessionUsage | null>;
  logs(
    id: string,
    options: { stream: 'stdout' | 'stderr'; offset?: number; limit?: number },
  ): Promise<SessionLogChunk>;
  searchLogs(
    id: string,
    options: {
      stream: 'stdout' | 'stderr';
      pattern: string;
      regex?: boolean;
      fromOffset?: number;
      maxMatches?: number;
      maxScanBytes?: number;
    },
  ): Promise<LogSearchResult>;
  downloadLogs(id: string, options: { stream: 'stdout' | 'stderr'; fromOffset?: number }): Readable;
  /** Resolves with the final status once the session ended. */
  wait(id: string): Promise<SessionStatus>;
  /** Takes over the sessions an earlier agent process left running. Call once at start-up. */
  adopt(): Promise<SessionStatus[]>;
  /** Deletes an ended session's logs, record and own working directory. */
  remove(id: string): Promise<void>;
  /** Subscribes to state changes or usage samples; returns the unsubscribe. */
  on<E extends keyof ExecutorEvents>(event: E, listener: (e: ExecutorEvents[E]) => void): () => void;
  /** Whether this node has a session of this id, or its start is under way. */
  has(id: string): boolean;
  /**
   * Lets the starts under way and the terminations past their grace finish, then stops
   * watching. Running sessions keep running, for the next agent process to adopt; so does a
   * termination still in its grace (a job given time to checkpoint keeps it): it is left
   * `stopping`, and the agent process that adopts it thaws it if paused, sends SIGTERM only if it
   * was never sent, and waits what is left of the grace. Within `closeTimeoutMs` (default 30 s): past it the ids still under way are logged
   * (warn) and it goes on, and a terminate still waiting for its session's start is lost if the
   * process exits before that start finishes (the next agent adopts the session as running).
   */
  close(): Promise<void>;
}

async function prepareDirs(o: ReturnType<typeof resolveOptions>): Promise<void> {
  await mkdir(o.dataDir, { recursive: true, mode: 0o711 });
  await mkdir(o.sessionsDir, { recursive: true, mode: 0o700 });
  await mkdir(o.quotaDir, { recursive: true, mode: 0o700 });
  await mkdir(o.workRoot, { recursive: true, mode: 0o711 });
  await chmod(o.sessionsDir, 0o700);
  await chmod(o.workRoot, 0o711);
  if (o.workRoot.startsWith(`${o.dataDir}/`)) {
    // session users must traverse the data dir to reach their working directory (but not list it)
    const mode = (await stat(o.dataDir)).mode & 0o777;
    if ((mode & 0o011) !== 0o011) await chmod(o.dataDir, mode | 0o011);
  }
}

/** Creates the executor: detects and prepares cgroups, builds the supervisor, and starts the 1 s monitor. */
export async function createExecutor(options: ExecutorOptions): Promise<Executor> {
  const o = resolveOptions(options);
  const logger = options.logger ?? silentLogger;
  const root = process.getuid?.() === 0;
  await prepareDirs(o);
  const layout = await prepareCgroupBase(await detectCgroupLayout(options.cgroup), logger);
  const wantShim = options.supervisor ?? 'auto';
  const shimPath =
    wantShim === 'direct' ? null : await ensureShim(options.helperDir ?? join(o.dataDir, 'bin'), logger);
  if (wantShim === 'helper' && !shimPath)
    throw execError(
      'OMEGA_ERR_EXEC_SUPERVISOR',
      'The omega-shim supervisor could not be built (no C compiler?).',
      {},
    );
  const quota = await detectQuotaMechanism(root, options.quota);
  const { cpus, mems } = await nodeCpus(layout, options.cgroup?.fsRoot);
  const allocator = o.uidRange
    ? new UidAllocator(
        o.uidRange,
        (await readPasswd(o.passwdPath)).map((e) => e.uid),
      )
    : null;
  const report = buildEnforcementReport({
    layout,
    root,
    supervisor: shimPath ? 'helper' : 'direct',
    quota,
    cpus,
    mems,
  });
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const ctx: ExecutorContext = {
    opts: o,
    logger,
    layout,
    report,
    shimPath,
    root,
    allocator,
    quota,
    sessions: new Map(),
    starting: new Map(),
    terminations: new Map(),
    closing: false,
    emitter,
    finalize: (rt) => finalizeSession(ctx, rt),
  };
  let ticking = false;
  const ticker = setInterval(() => {
    if (ticking) return;
    ticking = true;
    void monitorTick(ctx).finally(() => {
      ticking = false;
    });
  }, o.usageIntervalMs);
  logger.info(
    { mode: layout.mode, enforcement: report.lines, notes: report.notes },
    'session executor ready',
  );

  const get = (id: string): SessionRuntime => {
    const rt = ctx.sessions.get(id);
    if (!rt)
      throw execError('OMEGA_ERR_EXEC_NOT_FOUND', `No session "${id}" on this node.`, { sessionId: id });
    return rt;
  };
  return {
    report: () => structuredClone(report),
    start: (spec) => startSession(ctx, spec),
    pause: async (id, opts) => pauseSession(ctx, get(id), opts?.graceMs ?? o.pauseGraceMs),
    resume: async (id) => resumeSession(ctx, get(id)),
    terminate: (id, opts) =>
      // tracked from the call on: close() also waits while this waits for the session's start
      trackTermination(
        ctx,
        id,
        (async () => {
          await ctx.starting.get(id);
          return terminateSession(ctx, get(id), {
            outcome: 'terminated',
            message: opts?.reason ? `terminated: ${opts.reason}` : 'terminated on request',
            graceMs: Math.max(0, opts?.graceMs ?? 10_000),
          });
        })(),
      ),
    has: (id) => ctx.sessions.has(id) || ctx.starting.has(id),
    status: (id) => structuredClone(get(id).record.status),
    list: () => [...ctx.sessions.values()].map((rt) => structuredClone(rt.record.status)),
    usage: async (id) => {
      const rt = get(id);
      if (rt.phase === 'ended') return rt.record.status.usage;
      return toSessionUsage(await rt.container.usage(), rt.record.cgroup ? 'cgroup' : 'proc');
    },
    logs: async (id, opts) => readSessionLog(get(id), opts),
    searchLogs: async (id, opts) => searchSessionLog(get(id), opts),
    downloadLogs: (id, opts) => downloadSessionLog(get(id), opts),
    wait: async (id) => get(id).ended(),
    adopt: () => adoptSessions(ctx),
    remove: async (id) => {
      const rt = get(id);
      if (rt.phase !== 'ended')
        throw execError('OMEGA_ERR_EXEC_STATE', `Session ${id} is ${rt.phase}; terminate it first.`, {
          sessionId: id,
        });
      ctx.sessions.delete(id);
      if (rt.record.ownWorkDir) await rm(rt.record.ownWorkDir, { recursive: true, force: true });
      await rm(rt.dir, { recursive: true, force: true });
    },
    on: (event, listener) => {
      emitter.on(event, listener);
      return () => emitter.off(event, listener);
    },
    close: async () => {
      ctx.closing = true;
      await waitForPending(ctx, o.closeTimeoutMs);
      clearInterval(ticker);
      for (const rt of ctx.sessions.values()) {
        rt.watcher?.close();
        rt.watcher = null;
        if (rt.deadlineTimer) clearTimeout(rt.deadlineTimer);
      }
      emitter.removeAllListeners();
      const bases = [
        layout.unified && join(layout.unified.base, SUPERVISORS_DIR),
        layout.unified?.base,
        ...Object.values(layout.v1).map((h) => h?.base),
      ];
      // only when empty; a supervisor that just wrote its exit record may still be leaving its leaf
      const idle = [...ctx.sessions.values()].every((rt) => rt.phase === 'ended');
      for (const b of new Set(bases.filter((x): x is string => !!x))) {
        await pollUntil(
          () =>
            rmdir(b).then(
              () => true,
              (err: NodeJS.ErrnoException) => err.code === 'ENOENT' || !idle,
            ),
          2_000,
          20,
        );
      }
    },
  };
}
