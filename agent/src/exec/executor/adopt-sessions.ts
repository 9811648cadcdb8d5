import { readdir, rmdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isSessionCgroupName, SessionCgroup, sessionCgroupName } from '../cgroup/session-cgroup.js';
import { isAlive } from '../proc/proc-stat.js';
import { ProcessTreeGroup } from '../proc/process-tree-group.js';
import type { SessionContainer } from '../session-container.js';
import type { SessionStatus } from '../session-types.js';
import { readSessionRecord, type SessionRecord } from '../state/session-record.js';
import { readSupervisorRecord } from '../supervisor/supervisor-record.js';
import { type ExecutorContext, setPhase } from './executor-context.js';
import { SessionRuntime } from './session-runtime.js';
import { exitRecorded } from './supervisor-alive.js';
import { terminateSession } from './terminate-session.js';
import { watchSession } from './watch-session.js';

/**
 * The pid an adopted session's process tree is rooted at: its helper supervisor (helper mode) or
 * its main process (direct), kept only while that pid still runs with the start ticks recorded
 * for it. Otherwise 0 (only the session's allocated uid's processes are its own): after a reboot,
 * or a supervisor that died while no agent ran, the pid may name any process of the host, and
 * the tree below it is what finalize kills. The group checks the ticks again on every read.
 */
async function verifiedRoot(rec: SessionRecord): Promise<{ pid: number; ticks: number | null }> {
  const s = rec.status;
  const [pid, ticks] =
    rec.supervisor === 'helper' ? [s.supervisorPid, rec.supervisorStartTicks] : [s.pid, rec.mainStartTicks];
  return pid !== null && ticks !== null && (await isAlive(pid, ticks))
    ? { pid, ticks }
    : { pid: 0, ticks: null };
}

/** What holds an adopted session's processes: the cgroup it was created in, or its (verified) process tree. */
async function containerFor(ctx: ExecutorContext, rec: SessionRecord): Promise<SessionContainer> {
  if (rec.cgroup) return new SessionCgroup(ctx.layout, rec.cgroup);
  const root = await verifiedRoot(rec);
  return new ProcessTreeGroup(root.pid, {
    includeRoot: rec.supervisor === 'direct',
    uid: rec.uidAllocated ? rec.status.uid : null,
    rootStartTicks: root.ticks,
    // paused, or being terminated while paused by an agent process that stopped before its thaw
    stopped: rec.status.phase === 'paused' || (rec.status.phase === 'stopping' && rec.pausedAtMs !== null),
  });
}

/**
 * Ends a session the earlier agent process was starting when it stopped, before any pid of it
 * was recorded: nothing can be watched, so it ends `lost`. Its container holds only what can be
 * told apart as its own (its cgroup, or its allocated uid's processes): never a process tree.
 */
async function endUnlaunched(ctx: ExecutorContext, rt: SessionRuntime): Promise<void> {
  const message =
    'the agent process starting it stopped before its supervisor reported a pid; ending it as lost';
  ctx.logger.warn({ session: rt.id }, message);
  await setPhase(ctx, rt, 'stopping', 'start-interrupted', message);
  void ctx.finalize(rt);
}

/** Removes empty session cgroups nobody has a record of (a crash between mkdir and the record). Never kills. */
async function removeStrayCgroups(ctx: ExecutorContext): Promise<void> {
  const bases = [ctx.layout.unified?.base, ...Object.values(ctx.layout.v1).map((h) => h?.base)].filter(
    (b): b is string => !!b,
  );
  const known = new Set<string>();
  for (const rt of ctx.sessions.values()) {
    known.add(sessionCgroupName(rt.id));
    for (const dir of rt.record.cgroup ? new SessionCgroup(ctx.layout, rt.record.cgroup).dirs() : [])
      known.add(basename(dir));
  }
  for (const id of ctx.starting.keys()) known.add(sessionCgroupName(id));
  for (const base of new Set(bases)) {
    for (const name of await readdir(base).catch(() => [] as string[])) {
      if (!isSessionCgroupName(name) || known.has(name)) continue;
      await rmdir(join(base, name)).catch(() => {}); // fails (EBUSY) while it holds processes: then it is not ours to kill
    }
  }
}

/** Finishes a termination an earlier agent process began: what is left of its grace, then the tree is killed and the session ends. */
function resumeTermination(
  ctx: ExecutorContext,
  rt: SessionRuntime,
  req: NonNullable<SessionRecord['terminate']>,
): void {
  terminateSession(ctx, rt, { outcome: req.outcome, message: req.message, graceMs: 0 }).catch((err) =>
    ctx.logger.error({ session: rt.id, err: (err as Error).message }, 'ending an adopted session failed'),
  );
}

/**
 * Finds the sessions an earlier agent process started (state in the data dir, processes in
 * their cgroups, supervisors still running) and carries on: watching, usage (the cgroup's
 * counters never stopped), time limits and pauses as they were; a termination it had begun is
 * finished (after what is left of its grace). A session whose supervisor
 * vanished without an exit record is ended as `lost` once its cgroup is emptied.
 */
export async function adoptSessions(ctx: ExecutorContext): Promise<SessionStatus[]> {
  const adopted: SessionStatus[] = [];
  for (const id of (await readdir(ctx.opts.sessionsDir).catch(() => [] as string[])).sort()) {
    if (ctx.sessions.has(id) || ctx.starting.has(id)) continue;
    const dir = join(ctx.opts.sessionsDir, id);
    const rec = await readSessionRecord(dir);
    if (!rec) {
      ctx.logger.warn({ dir }, 'a session directory without a readable record.json; leaving it alone');
      continue;
    }
    if (rec.status.phase === 'starting') {
      // before the container: a tree is rooted at the pids the supervisor recorded
      const sup = await readSupervisorRecord(dir);
      if (sup) {
        Object.assign(rec.status, {
          pid: sup.mainPid,
          supervisorPid: sup.shimPid,
          startedAt: new Date(sup.startedAtMs).toISOString(),
        });
        rec.supervisorStartTicks = sup.shimStartTicks;
        rec.mainStartTicks = sup.mainStartTicks;
      }
    }
    const rt = new SessionRuntime(rec, dir, await containerFor(ctx, rec));
    ctx.sessions.set(id, rt);
    if (rec.status.phase === 'ended') continue;
    if (rec.uidAllocated) ctx.allocator?.reserve(rec.status.uid);
    if (rec.status.phase === 'starting' && rec.status.pid === null && rec.status.supervisorPid === null) {
      await endUnlaunched(ctx, rt);
      adopted.push(structuredClone(rt.record.status));
      continue;
    }
    const phase = rec.status.phase === 'starting' ? 'running' : rec.status.phase;
    await setPhase(ctx, rt, phase, 'adopted', `adopted by agent process ${process.pid}`);
    if (await exitRecorded(rt)) void ctx.finalize(rt);
    else {
      watchSession(ctx, rt);
      // the earlier agent process was ending it and stopped before the end (killed, crashed)
      if (rec.terminate && rec.status.phase === 'stopping') resumeTermination(ctx, rt, rec.terminate);
    }
    adopted.push(structuredClone(rt.record.status));
  }
  await removeStrayCgroups(ctx);
  return adopted;
}
