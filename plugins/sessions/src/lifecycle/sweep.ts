import type { SessionsRuntime } from '../runtime.js';
import { describeError } from '../util/describe-error.js';
import { launch, startId } from './launch.js';
import { sendOp } from './session-ops.js';
import { isTerminal } from './states.js';

/** A start or operation without an answer is asked again (same id) after this long. */
const RETRY_MS = 5_000;
/** A scheduling pass runs at least this often while sessions wait (capacity can change without an event). */
export const PASS_EVERY_MS = 10_000;
/** Ended sessions are pruned this often. */
const PRUNE_EVERY_MS = 3_600_000;

/** What the periodic sweep remembers between runs. */
export interface SweepState {
  lastRetry: number;
  lastPrune: number;
}

/**
 * The plugin's periodic work (every second): usage batches out; node deadlines (left nodes,
 * drains); starts and operations that got no answer are sent again with the same id (never a
 * second execution); a scheduling pass when one was asked for or sessions wait; ended sessions
 * past the retention are forgotten (and their logs removed on the node).
 */
export async function sweep(rt: SessionsRuntime, st: SweepState, now: number): Promise<void> {
  rt.usage.publish(now);
  await rt.nodes.sweep(now);
  let waiting = false;
  const retry = now - st.lastRetry >= RETRY_MS;
  if (retry) st.lastRetry = now;
  for (const r of rt.store.all()) {
    const s = r.status.state;
    if (s === 'pending' && !r.status.placement) waiting = true;
    if (!retry) continue;
    if (s === 'starting' && !rt.inFlight.has(startId(r)) && now - Date.parse(r.status.since) >= RETRY_MS)
      void launch(rt, r).catch((err) =>
        rt.log('warn', 'sessions: start retry failed', { session: r.id, error: describeError(err) }),
      );
    else if (r.pendingOp && !rt.inFlight.has(r.pendingOp.id) && !isTerminal(s))
      void sendOp(rt, r).catch(() => {});
  }
  if (rt.scheduler.wanted || (waiting && now - rt.scheduler.lastPassAt >= PASS_EVERY_MS))
    void rt.scheduler.pass();
  if (now - st.lastPrune >= PRUNE_EVERY_MS) {
    st.lastPrune = now;
    await prune(rt, now);
  }
  await rt.out.pump();
}

/** Forgets sessions that ended more than the retention ago; asks their node to delete their logs and record. */
async function prune(rt: SessionsRuntime, now: number): Promise<void> {
  const cutoff = now - rt.settings.retentionMs;
  for (const r of [...rt.store.all()]) {
    if (!isTerminal(r.status.state) || Date.parse(r.status.endedAt ?? r.updatedAt) > cutoff) continue;
    const p = r.status.placement;
    if (p) void rt.commands.run(p.node, `${r.id}:remove:1`, 'session.remove', { id: r.id }, 20_000);
    await rt.store.remove(r.id).catch(() => {});
  }
}
