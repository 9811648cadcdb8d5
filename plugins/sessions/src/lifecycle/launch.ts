import { isoTime } from '@omega/sdk';
import { startArgs } from '../agents/start-args.js';
import type { SessionsRuntime } from '../runtime.js';
import type { SessionRecord } from '../store/session-record.js';
import { applyStatus, isAgentStatus } from './apply-status.js';
import { stopLeftover } from './session-ops.js';
import { isTerminal } from './states.js';

/** Deadline of a start on the agent (the executor answers once the command has exec'd). */
const START_TIMEOUT_MS = 45_000;
/** How long a node is skipped after its agent refused a placement it should have taken. */
const REFUSED_HOLD_MS = 30_000;
/** How long a node whose agent has no session ops is skipped. */
const NO_OPS_HOLD_MS = 10 * 60_000;

/** Codes of a start the agent refused because of the node's state, not the session's: place it again. */
const PLACE_AGAIN = new Set([
  'OMEGA_ERR_EXEC_CPUS_BUSY',
  'OMEGA_ERR_EXEC_UID_EXHAUSTED',
  'OMEGA_ERR_EXEC_CGROUP',
]);

/** The command id of a session's current start attempt. */
export const startId = (r: SessionRecord): string => `${r.id}:start:${r.status.attempts}`;

/** Back to pending: nothing runs on the node; its capacity is free again. */
function placeAgain(rt: SessionsRuntime, r: SessionRecord, reason: string): void {
  const { placement: _p, ...rest } = r.status;
  r.status = rest;
  rt.lifecycle.move(r, 'pending', reason);
  rt.scheduler.wake();
}

/**
 * Sends `session.start` for a placed session (state `starting`) and applies the answer: the
 * agent's status; a refusal that is the node's (cores busy, no uid, no session ops: placed
 * again elsewhere) or the session's (fails with the agent's words); nothing sent (placed
 * again); no answer yet (kept `starting`: the sweep asks again with the same id, never a
 * second start).
 */
export async function launch(rt: SessionsRuntime, r: SessionRecord): Promise<void> {
  const p = r.status.placement;
  if (!p || r.status.state !== 'starting') return;
  const id = startId(r);
  if (rt.inFlight.has(id)) return;
  rt.inFlight.add(id);
  const attempt = r.status.attempts;
  try {
    const out = await rt.commands.run(p.node, id, 'session.start', startArgs(r), START_TIMEOUT_MS);
    await rt.locks.run(r.id, async () => {
      const cur = rt.store.get(r.id);
      if (!cur) return;
      if (cur.status.state !== 'starting' || cur.status.attempts !== attempt) {
        // Cancelled (or ended) while the start was on its way: make sure nothing keeps running.
        if (
          out.kind === 'result' &&
          out.ok &&
          isTerminal(cur.status.state) &&
          cur.status.placement?.node === p.node
        )
          void stopLeftover(rt, cur, p.node);
        return;
      }
      switch (out.kind) {
        case 'result':
          if (out.ok) {
            if (isAgentStatus(out.data)) applyStatus(rt, cur, out.data, p.node);
            return;
          }
          if (out.code === 'OMEGA_ERR_NOT_FOUND') {
            rt.nodes.hold(p.node, 'its agent runs no sessions (no session.start op)', NO_OPS_HOLD_MS);
            return placeAgain(rt, cur, `${p.nodeName}'s agent runs no sessions; placing it again`);
          }
          if (PLACE_AGAIN.has(out.code)) {
            rt.nodes.hold(p.node, `its agent refused a session: ${out.message}`, REFUSED_HOLD_MS);
            return placeAgain(rt, cur, `${p.nodeName} refused it (${out.message}); placing it again`);
          }
          if (out.code === 'OMEGA_ERR_EXEC_EXISTS') return void (await refreshStatus(rt, cur));
          if (out.code === 'OMEGA_ERR_AGENT_COMMAND_TIMEOUT' || out.code === 'OMEGA_ERR_AGENT_INTERRUPTED') {
            // The agent gave up waiting (or is stopping); a new attempt id asks again (EXISTS if it did start).
            cur.status.attempts++;
            rt.lifecycle.touch(cur, {});
            return;
          }
          rt.lifecycle.move(cur, 'failed', `could not start on ${p.nodeName}: ${out.message}`, {
            actor: p.nodeName,
            details: { code: out.code },
            patch: { endedAt: isoTime(Date.now()) },
          });
          rt.scheduler.wake();
          return;
        case 'unsent':
          return placeAgain(rt, cur, `${p.nodeName} could not be reached (${out.message}); placing it again`);
        default:
          rt.log('info', 'sessions: start not confirmed yet; asking again later', {
            session: cur.id,
            why: out.message,
          });
      }
    });
  } finally {
    rt.inFlight.delete(id);
  }
}

/** Asks the session's node for its status (`session.status`) and applies it. */
export async function refreshStatus(rt: SessionsRuntime, r: SessionRecord): Promise<void> {
  const p = r.status.placement;
  if (!p) return;
  const id = `${r.id}:status:${Date.now().toString(36)}`;
  const out = await rt.commands.run(p.node, id, 'session.status', { id: r.id }, 15_000);
  if (out.kind === 'result' && out.ok && isAgentStatus(out.data)) applyStatus(rt, r, out.data, p.node);
}
