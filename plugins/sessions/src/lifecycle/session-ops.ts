import { isoTime } from '@omega/sdk';
import { sessionError } from '../errors/session-errors.js';
import type { SessionsRuntime } from '../runtime.js';
import { MAX_GRACE_MS } from '../settings/sessions-settings.js';
import type { PendingOp, SessionRecord } from '../store/session-record.js';
import { applyStatus, isAgentStatus } from './apply-status.js';
import { isTerminal } from './states.js';

/** How a pause, resume or terminate went when its command came back. */
export type OpOutcome =
  | { kind: 'done' }
  | { kind: 'accepted'; why: string }
  | { kind: 'refused'; code: string; message: string };

function stateError(r: SessionRecord, what: string): Error {
  return sessionError('SESSIONS_ERR_STATE', `Session ${r.id} is ${r.status.state}: ${what}.`, {
    state: r.status.state,
  });
}

function queue(r: SessionRecord, op: PendingOp['op'], by: string, extra: Partial<PendingOp> = {}): PendingOp {
  if (r.pendingOp)
    throw sessionError(
      'SESSIONS_ERR_STATE',
      `Session ${r.id} has a ${r.pendingOp.op} in progress (asked by ${r.pendingOp.by}); wait for it.`,
      { state: r.status.state, pending: r.pendingOp.op },
    );
  const n = ++r.counters[op];
  const p: PendingOp = { op, id: `${r.id}:${op}:${n}`, by, at: isoTime(Date.now()), ...extra };
  r.pendingOp = p;
  return p;
}

/** Asks for a pause (running sessions only); the caller then sends it with {@link sendOp}. */
export function requestPause(rt: SessionsRuntime, r: SessionRecord, by: string): void {
  if (r.status.state !== 'running') throw stateError(r, 'only a running session can be paused');
  queue(r, 'pause', by);
  rt.lifecycle.touch(r, {});
}

/** Asks for a resume (paused sessions only). */
export function requestResume(rt: SessionsRuntime, r: SessionRecord, by: string): void {
  if (r.status.state !== 'paused') throw stateError(r, 'only a paused session can be resumed');
  queue(r, 'resume', by);
  rt.lifecycle.touch(r, {});
}

/**
 * Cancels a session: one that never reached a node ends `cancelled` at once; one on a node goes
 * `terminating` (SIGTERM, the grace, then the whole tree killed) and ends `cancelled by <who>`
 * when its agent confirms. Answers true when a command must be sent ({@link sendOp}).
 */
export function requestTerminate(
  rt: SessionsRuntime,
  r: SessionRecord,
  by: string,
  reason?: string,
  graceMs?: number,
): boolean {
  if (isTerminal(r.status.state)) throw stateError(r, 'it has already ended');
  if (r.status.state === 'terminating' && r.pendingOp?.op === 'terminate') return false;
  const why = reason ? `: ${reason}` : '';
  if (r.status.state === 'pending' && !r.status.placement) {
    rt.lifecycle.move(r, 'cancelled', `cancelled by ${by}${why}`, {
      actor: by,
      patch: { cancelledBy: by, endedAt: isoTime(Date.now()) },
    });
    return false;
  }
  delete r.pendingOp; // a terminate supersedes a pause or resume in flight
  queue(r, 'terminate', by, {
    graceMs: graceMs ?? rt.settings.defaultGraceMs,
    ...(reason ? { reason } : {}),
  });
  rt.lifecycle.move(r, 'terminating', `cancel requested by ${by}${why}`, {
    actor: by,
    patch: { cancelledBy: by },
  });
  return true;
}

/**
 * Stops whatever still runs of a session this plugin considers ended (cancelled while its
 * start was on the way, or lost while its node was cut off): a terminate with no grace, under
 * an id of its own; the answer is only logged.
 */
export async function stopLeftover(rt: SessionsRuntime, r: SessionRecord, node: string): Promise<void> {
  const id = `${r.id}:terminate:leftover`;
  if (rt.inFlight.has(id)) return;
  rt.inFlight.add(id);
  try {
    const out = await rt.commands.run(
      node,
      id,
      'session.terminate',
      { id: r.id, graceMs: 0, reason: `session is ${r.status.state}` },
      30_000,
    );
    rt.log('info', 'sessions: stopped what was left of an ended session', {
      session: r.id,
      node,
      outcome: out.kind,
    });
  } finally {
    rt.inFlight.delete(id);
  }
}

/**
 * Sends the session's pending operation to its node (idempotent: the same id each time) and
 * applies the answer. Nothing sent, or no answer yet: it stays pending and the sweep sends it
 * again. A refusal that only says the session already moved (wrong state, gone) is settled
 * from the node's status.
 */
export async function sendOp(rt: SessionsRuntime, r: SessionRecord): Promise<OpOutcome> {
  const op = r.pendingOp;
  const p = r.status.placement;
  if (!op || !p) return { kind: 'done' };
  if (rt.inFlight.has(op.id)) return { kind: 'accepted', why: 'already on its way to the node' };
  rt.inFlight.add(op.id);
  try {
    const args =
      op.op === 'terminate'
        ? {
            id: r.id,
            // a terminate queued under older bounds (a 1 h default) would be refused by the agent
            graceMs: Math.min(op.graceMs ?? rt.settings.defaultGraceMs, MAX_GRACE_MS),
            ...(op.reason ? { reason: op.reason } : {}),
          }
        : { id: r.id };
    const timeoutMs = op.op === 'terminate' ? Math.min(50_000, (op.graceMs ?? 0) + 20_000) : 20_000;
    const out = await rt.commands.run(p.node, op.id, `session.${op.op}`, args, timeoutMs);
    return await rt.locks.run(r.id, async (): Promise<OpOutcome> => {
      const cur = rt.store.get(r.id);
      if (!cur || cur.pendingOp?.id !== op.id) return { kind: 'done' };
      if (out.kind !== 'result') return { kind: 'accepted', why: out.message };
      if (out.ok) {
        if (isAgentStatus(out.data)) applyStatus(rt, cur, out.data, p.node);
        if (cur.pendingOp?.id === op.id && op.op !== 'terminate') delete cur.pendingOp;
        return { kind: 'done' };
      }
      if (out.code === 'OMEGA_ERR_EXEC_NOT_FOUND' && op.op === 'terminate') {
        // The node never started it (the start was still on its way): nothing to stop.
        delete cur.pendingOp;
        rt.lifecycle.move(cur, 'cancelled', `cancelled by ${op.by}${op.reason ? `: ${op.reason}` : ''}`, {
          actor: op.by,
          patch: { cancelledBy: op.by, endedAt: isoTime(Date.now()) },
        });
        rt.scheduler.wake();
        return { kind: 'done' };
      }
      delete cur.pendingOp;
      rt.lifecycle.touch(cur, {});
      rt.events.audit({
        actor: op.by,
        action: op.op,
        outcome: 'failure',
        target: cur.id,
        details: { code: out.code, message: out.message.slice(0, 256) },
      });
      return { kind: 'refused', code: out.code, message: out.message };
    });
  } finally {
    rt.inFlight.delete(op.id);
  }
}
