import type { EventEmitter } from 'node:events';
import type { CgroupLayout } from '../cgroup/cgroup-layout.js';
import type { EnforcementReport } from '../enforcement-report.js';
import type { UidAllocator } from '../identity/uid-allocator.js';
import type { ExecLogger } from '../logger.js';
import type { QuotaMechanism } from '../quota/work-dir-quota.js';
import type { SessionPhase, SessionStateEvent } from '../session-types.js';
import { writeSessionRecord } from '../state/session-record.js';
import type { SessionRuntime } from './session-runtime.js';

/** Options after defaults, as every part of the executor sees them. */
export interface ResolvedOptions {
  dataDir: string;
  sessionsDir: string;
  workRoot: string;
  quotaDir: string;
  usageIntervalMs: number;
  pauseGraceMs: number;
  logMaxBytes: number;
  logSegments: number;
  minUid: number;
  passwdPath: string;
  /** How long a supervisor may take to report that the command runs before the start fails. */
  launchTimeoutMs: number;
  /** How long close() waits for the starts and terminations under way. */
  closeTimeoutMs: number;
}

/** What the executor's operations share. */
export interface ExecutorContext {
  opts: ResolvedOptions;
  logger: ExecLogger;
  layout: CgroupLayout;
  report: EnforcementReport;
  shimPath: string | null;
  root: boolean;
  allocator: UidAllocator | null;
  quota: QuotaMechanism | null;
  sessions: Map<string, SessionRuntime>;
  /**
   * Ids whose start is under way (so two starts of one id cannot race), each with a promise that
   * settles, never rejecting, once that start succeeded or failed (a terminate waits for it).
   */
  starting: Map<string, Promise<void>>;
  /** Terminations under way, each with its session's id (close() lets them finish). */
  terminations: Map<Promise<unknown>, string>;
  /**
   * Set by close(): a start that finishes now leaves its session to the next agent process (no
   * watcher, no deadline armed), and so does a termination within its grace (it returns without
   * the kill).
   */
  closing: boolean;
  emitter: EventEmitter;
  /** Set by the executor: ends a session when its main process exited or its supervisor vanished. */
  finalize: (rt: SessionRuntime) => Promise<void>;
}

/**
 * Persists the record (atomically) and publishes the change as a `state` event. The new phase
 * becomes visible in memory in the same synchronous step as the event is emitted, after the
 * write: whoever sees a phase (terminate() resolving on `ended`, status(), wait()) can rely on
 * its event having been published already — never the other way round. Changes of one session
 * are applied in call order, and nothing follows `ended`.
 */
export function setPhase(
  ctx: ExecutorContext,
  rt: SessionRuntime,
  phase: SessionPhase,
  reason: string,
  message: string,
): Promise<void> {
  const apply = async () => {
    const s = rt.record.status;
    const previous = s.phase;
    if (previous === 'ended') return;
    const at = new Date().toISOString();
    const change = { phase, reason, message, since: previous === phase ? s.since : at };
    await writeSessionRecord(rt.dir, { ...rt.record, status: { ...s, ...change } });
    Object.assign(s, change);
    const event: SessionStateEvent = {
      id: s.id,
      phase,
      previous,
      outcome: s.outcome,
      reason,
      message,
      at,
      exit: s.exit,
      usage: s.usage,
    };
    ctx.logger.info({ session: s.id, phase, previous, reason, outcome: s.outcome }, message);
    ctx.emitter.emit('state', event);
  };
  const run = rt.phaseWrites.then(apply, apply);
  rt.phaseWrites = run.catch(() => {});
  return run;
}

/** Adds `run`, the termination of session `id`, to those close() waits for, until it settles; answers it. */
export function trackTermination<T>(ctx: ExecutorContext, id: string, run: Promise<T>): Promise<T> {
  ctx.terminations.set(run, id);
  const drop = () => ctx.terminations.delete(run);
  run.then(drop, drop);
  return run;
}
