import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { applyLimits } from '../cgroup/apply-limits.js';
import { cgroupBaseIntact } from '../cgroup/cgroup-base-intact.js';
import { lifecycleSource } from '../cgroup/controller-source.js';
import { prepareCgroupBase } from '../cgroup/prepare-cgroup-base.js';
import { SessionCgroup } from '../cgroup/session-cgroup.js';
import { FEATURES } from '../enforcement-report.js';
import { execError } from '../errors/index.js';
import { resolveIdentity, type SessionIdentity } from '../identity/resolve-identity.js';
import { isAlive, readProcStat } from '../proc/proc-stat.js';
import { ProcessTreeGroup } from '../proc/process-tree-group.js';
import type { SessionContainer } from '../session-container.js';
import type { SessionStatus } from '../session-types.js';
import { parseSessionSpec, type SessionSpec, sessionArgv } from '../spec/session-spec.js';
import { type SessionRecord, writeSessionRecord } from '../state/session-record.js';
import { launchDirect } from '../supervisor/launch-direct.js';
import { type Launched, launchWithShim } from '../supervisor/launch-shim.js';
import { readSupervisorRecord } from '../supervisor/supervisor-record.js';
import { buildShimConfig, weightToNice } from './build-shim-config.js';
import { checkCpus, checkEnforceable } from './check-request.js';
import { type ExecutorContext, setPhase } from './executor-context.js';
import { prepareWorkDir, releaseWorkDir, type WorkDir } from './prepare-work-dir.js';
import { SessionRuntime } from './session-runtime.js';
import { watchSession } from './watch-session.js';

/** The pause method a session gets on this layout. */
export function pauseMethodOf(ctx: ExecutorContext): SessionStatus['pauseMethod'] {
  const f = lifecycleSource(ctx.layout).freeze;
  return f === 'v2' ? 'cgroup v2 freezer' : f === 'v1' ? 'cgroup v1 freezer' : 'SIGSTOP';
}

/** What is enforced for this session, one line each (what report() says, narrowed to what it asked for). */
function enforcementLines(
  ctx: ExecutorContext,
  spec: SessionSpec,
  who: SessionIdentity,
  applied: string[],
  missing: string[],
): string[] {
  const lines = [...applied];
  const r = spec.resources;
  if (ctx.layout.mode === 'none') {
    if (r.cpuWeight !== undefined)
      lines.push(`${FEATURES.cpuWeight}: ${r.cpuWeight} (approximate: nice ${weightToNice(r.cpuWeight)})`);
    if (r.cpus) lines.push(`${FEATURES.cpuset}: ${r.cpus.join(',')} (approximate: sched_setaffinity)`);
    if (r.pidsMax !== undefined && ctx.root)
      lines.push(`${FEATURES.pids}: ${r.pidsMax} (RLIMIT_NPROC of uid ${who.uid})`);
  }
  lines.push(
    ctx.root
      ? `${FEATURES.uidIsolation}: uid ${who.uid} gid ${who.gid} (${who.allocated ? 'allocated for this session' : `account ${who.name ?? who.uid}`}), no supplementary groups, no_new_privs`
      : `${FEATURES.uidIsolation}: not enforced: the agent is not root`,
  );
  if (r.diskBytes !== undefined && ctx.quota)
    lines.push(`${FEATURES.diskQuota}: ${r.diskBytes} bytes (${ctx.quota})`);
  if (spec.timeLimitSec !== undefined)
    lines.push(
      `time limit: ${spec.timeLimitSec} s (agent timer, SIGTERM then SIGKILL after ${spec.killGraceMs} ms)`,
    );
  for (const m of missing) lines.push(`${m} (best-effort)`);
  return lines;
}

function initialRecord(
  ctx: ExecutorContext,
  spec: SessionSpec,
  who: SessionIdentity,
  work: WorkDir,
  cg: SessionCgroup | null,
  lines: string[],
): SessionRecord {
  const now = new Date().toISOString();
  const deadlineMs = spec.timeLimitSec === undefined ? null : Date.now() + spec.timeLimitSec * 1000;
  return {
    version: 1,
    status: {
      id: spec.id,
      phase: 'starting',
      outcome: null,
      reason: 'starting',
      message: 'starting',
      since: now,
      createdAt: now,
      startedAt: null,
      endedAt: null,
      pid: null,
      supervisorPid: null,
      uid: who.uid,
      gid: who.gid,
      user: who.name,
      cwd: work.cwd,
      command: sessionArgv(spec).file,
      exit: null,
      usage: null,
      enforcement: lines,
      pauseMethod: pauseMethodOf(ctx),
      deadline: deadlineMs === null ? null : new Date(deadlineMs).toISOString(),
    },
    spec: {
      command: sessionArgv(spec).file,
      argCount: sessionArgv(spec).argv.length - 1,
      envNames: Object.keys(spec.env),
      timeLimitSec: spec.timeLimitSec ?? null,
      killGraceMs: spec.killGraceMs,
      resources: { ...spec.resources },
    },
    cgroup: cg?.paths ?? null,
    supervisor: ctx.shimPath ? 'helper' : 'direct',
    supervisorStartTicks: null,
    mainStartTicks: null,
    uidAllocated: who.allocated,
    ownWorkDir: work.own,
    quota: work.quota,
    deadlineMs,
    pausedAtMs: null,
    terminate: null,
  };
}

/**
 * Starts a session: validate → refuse what cannot be enforced → identity → working directory
 * (and quota) → cgroup with its limits → supervisor → the main process enters its cgroup,
 * drops to the session uid with no_new_privs, and execs. Resolves once the command runs; any
 * failure undoes every step and throws a coded error.
 */
export async function startSession(ctx: ExecutorContext, input: unknown): Promise<SessionStatus> {
  const spec = parseSessionSpec(input);
  const exists = () =>
    execError('OMEGA_ERR_EXEC_EXISTS', `Session ${spec.id} already exists on this node.`, {
      sessionId: spec.id,
    });
  if (ctx.sessions.has(spec.id) || ctx.starting.has(spec.id)) throw exists();
  // Claimed before the first await: a terminate of this id that arrives meanwhile finds the
  // start under way and waits for it, instead of answering that no such session exists.
  let settle = () => {};
  ctx.starting.set(
    spec.id,
    new Promise<void>((resolve) => {
      settle = resolve;
    }),
  );
  try {
    const dir = join(ctx.opts.sessionsDir, spec.id);
    if (
      await stat(dir).then(
        () => true,
        () => false,
      )
    )
      throw exists();
    return await launchSession(ctx, spec, dir);
  } finally {
    ctx.starting.delete(spec.id);
    settle();
  }
}

/**
 * Ends the supervisor of a start that failed once launched, after its session's processes were
 * killed: the real one records the exit and leaves by itself (given 2 s), else it is killed — it
 * would write into the session dir being removed, and live on untracked.
 */
async function stopSupervisor(sup: { pid: number; ticks: number }): Promise<void> {
  for (let i = 0; i < 200 && (await isAlive(sup.pid, sup.ticks).catch(() => false)); i++)
    await new Promise((r) => setTimeout(r, 10));
  if (await isAlive(sup.pid, sup.ticks).catch(() => false))
    try {
      process.kill(sup.pid, 'SIGKILL');
    } catch {}
}

/** Kills every process of a session's allocated uid; true once none is left. */
const killUidProcesses = (uid: number): Promise<boolean> =>
  new ProcessTreeGroup(0, { includeRoot: false, uid }).killUntilEmpty(5_000).catch(() => false);

/** The steps of {@link startSession} once the id is claimed; undoes every one of them on failure. */
async function launchSession(ctx: ExecutorContext, spec: SessionSpec, dir: string): Promise<SessionStatus> {
  let who: SessionIdentity | null = null;
  let work: WorkDir | null = null;
  let cg: SessionCgroup | null = null;
  let tree: ProcessTreeGroup | null = null;
  let supervisor: { pid: number; ticks: number } | null = null;
  try {
    const missing = checkEnforceable(ctx, spec);
    checkCpus(ctx, spec);
    who = await resolveIdentity(spec.user, {
      root: ctx.root,
      minUid: ctx.opts.minUid,
      allocator: ctx.allocator,
      passwdPath: ctx.opts.passwdPath,
    });
    await mkdir(dir, { mode: 0o700 });
    await mkdir(join(dir, 'stdout'), { mode: 0o700 });
    await mkdir(join(dir, 'stderr'), { mode: 0o700 });
    work = await prepareWorkDir(ctx, spec, who);
    const applied: string[] = [];
    if (ctx.layout.mode !== 'none') {
      if (!(await cgroupBaseIntact(ctx.layout))) {
        ctx.logger.warn(
          { session: spec.id },
          'the sessions cgroup base was removed (another agent on this cgroup parent stopped?); recreating it',
        );
        await prepareCgroupBase(ctx.layout, ctx.logger);
      }
      cg = new SessionCgroup(ctx.layout, SessionCgroup.pathsFor(ctx.layout, spec.id, spec.resources));
      await cg.create();
      for (const a of await applyLimits(cg, ctx.layout, spec.resources))
        applied.push(`${FEATURES[a.limit]}: ${a.value} (${a.mechanism})`);
    }
    const record = initialRecord(
      ctx,
      spec,
      who,
      work,
      cg,
      enforcementLines(ctx, spec, who, applied, missing),
    );
    await writeSessionRecord(dir, record);
    const config = buildShimConfig(ctx, spec, who, work.cwd, dir, cg);
    const launched: Launched = ctx.shimPath
      ? await launchWithShim(spec.id, ctx.shimPath, config, ctx.opts.launchTimeoutMs)
      : await launchDirect(spec.id, config);
    const sup = await readSupervisorRecord(dir);
    // its start ticks, from its own record or (none written: a full disk) read now, so a failure
    // below never takes a process on a reused pid for it
    const supTicks =
      launched.supervisorPid === null
        ? null
        : (sup?.shimStartTicks ?? (await readProcStat(launched.supervisorPid).catch(() => null))?.startTicks);
    if (launched.supervisorPid !== null && supTicks)
      supervisor = { pid: launched.supervisorPid, ticks: supTicks };
    if (!cg)
      tree = new ProcessTreeGroup(launched.supervisorPid ?? launched.mainPid, {
        includeRoot: launched.supervisorPid === null,
        uid: who.allocated ? who.uid : null,
        rootStartTicks: (launched.supervisorPid === null ? sup?.mainStartTicks : supTicks) ?? null,
      });
    const container: SessionContainer = cg ?? (tree as ProcessTreeGroup);
    Object.assign(record.status, {
      pid: launched.mainPid,
      supervisorPid: launched.supervisorPid,
      startedAt: new Date(sup?.startedAtMs ?? Date.now()).toISOString(),
    });
    record.supervisorStartTicks = sup?.shimStartTicks ?? null;
    record.mainStartTicks = sup?.mainStartTicks ?? null;
    const rt = new SessionRuntime(record, dir, container);
    rt.ready = false;
    ctx.sessions.set(spec.id, rt);
    await setPhase(ctx, rt, 'running', 'started', `started ${record.status.command} as uid ${who.uid}`);
    watchSession(ctx, rt);
    rt.ready = true;
    return structuredClone(rt.record.status);
  } catch (err) {
    ctx.sessions.delete(spec.id);
    if (cg) {
      await cg.killUntilEmpty(5_000).catch(() => {});
      await cg.remove().catch(() => {});
    }
    // Without a cgroup, a start that failed once launched (its record could not be written: a full
    // disk) leaves a running tree the agent no longer tracks: killed, whatever the uid. A launch
    // that failed (timed out: only the launcher and what was below it were killed) may have left
    // a main process that double-forked; it runs as the session uid (or soon will) and would exec
    // the command untracked: with an allocated uid (this session's alone) it is killed by uid.
    const treeLeft = tree !== null && !(await tree.killUntilEmpty(5_000).catch(() => false));
    const uidLeft = who?.allocated && !cg && !(await killUidProcesses(who.uid));
    const stray = who?.allocated && (treeLeft || uidLeft) ? who.uid : null;
    if (treeLeft && stray === null)
      ctx.logger.error({ session: spec.id }, 'processes of a failed start outlived the kill');
    if (supervisor) await stopSupervisor(supervisor);
    if (work) await releaseWorkDir(work).catch(() => {});
    if (stray !== null)
      ctx.logger.error(
        { session: spec.id, uid: stray },
        'processes of a failed start outlived the kill; its uid stays reserved',
      );
    else if (who?.allocated) ctx.allocator?.release(who.uid);
    if (who)
      await rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch((e: Error) =>
        ctx.logger.warn(
          { session: spec.id, err: e.message },
          'the session dir of a failed start was not removed',
        ),
      );
    const status = (err as { status?: number }).status ?? 500;
    (status < 500 ? ctx.logger.info : ctx.logger.warn).call(
      ctx.logger,
      { session: spec.id, code: (err as { code?: string }).code, err: (err as Error).message },
      'session start refused or failed',
    );
    throw err;
  }
}
