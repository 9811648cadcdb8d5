import type { NodeState } from '../contract.js';
import type { NodeEntry } from '../registry/node-record.js';
import type { LivenessSettings } from './liveness-settings.js';
import { REASONS, tcpSuffix } from './reasons.js';

/** A state change the judge decided: the registry applies it (record, events, audit). */
export interface Transition {
  to: NodeState;
  reason: string;
  /** Kernel clock, epoch ms. */
  at: number;
}

/** What the kernel's gateway reported (docs/agent-protocol.md §2), as the judge reads it. */
export type Evidence =
  | { type: 'connected'; at: number; conn: string; remote?: string }
  | { type: 'frame'; at: number; remote?: string }
  | { type: 'leave'; at: number; reason: string }
  | { type: 'closed'; at: number; conn: string; code: number; reason: string; leave: boolean }
  | { type: 'silent'; at: number; conn: string; ms: number; transport: 'acked' | 'unacked' | 'unknown' };

/** When silence is counted from: the newest frame, or a later grace start (kernel start, a stall). */
export function silenceStart(e: NodeEntry): number {
  return Math.max(e.live.at, e.live.graceFrom ?? 0);
}

/** True while a node is judged alive and well (ready, with no silence reported on its session). */
function healthy(e: NodeEntry): boolean {
  return e.record.state === 'ready' && e.live.silent === undefined;
}

/**
 * Applies one piece of evidence to a node's live state and answers the state change it
 * implies, if any. Liveness is judged on the kernel's clock (`at`), never the agent's.
 * Rules (docs/nodes.md):
 * - a handshake or any frame proves the agent alive → `ready` (from suspect, down or left);
 * - `leave` → `left`;
 * - a close is evidence only for the node's current session while it was healthy: then
 *   `suspect` until it reconnects, `down` ("agent stopped responding") after closedGraceMs.
 *   A close of an old socket, or one arriving once the node was already suspect or down (the
 *   old socket after a link heals), changes nothing;
 * - `silent` is recorded (it names the reason when the bounds pass), never a change by itself.
 */
export function judgeEvidence(e: NodeEntry, ev: Evidence, s: LivenessSettings): Transition | undefined {
  const live = e.live;
  switch (ev.type) {
    case 'connected': {
      live.conn = ev.conn;
      live.at = Math.max(live.at, ev.at);
      if (ev.remote) live.remote = ev.remote;
      live.silent = undefined;
      live.closed = undefined;
      return e.record.state === 'ready'
        ? undefined
        : { to: 'ready', reason: REASONS.connected(ev.remote), at: ev.at };
    }
    case 'frame': {
      const silentFor = ev.at - silenceStart(e);
      live.at = Math.max(live.at, ev.at);
      if (ev.remote) live.remote = ev.remote;
      live.silent = undefined;
      // Frames from a session other than one that closed still prove the agent is alive.
      if (e.record.state === 'ready') return undefined;
      live.closed = undefined;
      return { to: 'ready', reason: REASONS.resumed(silentFor, ev.remote ?? live.remote), at: ev.at };
    }
    case 'leave':
      live.at = Math.max(live.at, ev.at);
      live.closed = undefined;
      live.silent = undefined;
      return e.record.state === 'left'
        ? undefined
        : { to: 'left', reason: REASONS.left(ev.reason), at: ev.at };
    case 'closed': {
      if (live.conn !== ev.conn) return undefined;
      live.conn = undefined;
      if (ev.leave || e.record.state === 'left') return undefined;
      if (!healthy(e)) return undefined;
      live.closed = { at: ev.at, code: ev.code, reason: ev.reason };
      return { to: 'suspect', reason: REASONS.closing(ev.at, ev.code, s.closedGraceMs), at: ev.at };
    }
    case 'silent':
      if (live.conn !== ev.conn) return undefined;
      live.silent = { at: ev.at, ms: ev.ms, transport: ev.transport };
      return undefined;
  }
}

/**
 * Judges a node at kernel time `now` (the sweep): a closed session that did not come back
 * within closedGraceMs → down ("agent stopped responding"); silence past downAfterMs → down
 * with the reason the evidence supports (hung, unreachable, or plain silence); past
 * suspectAfterMs → suspect.
 */
export function judgeSilence(e: NodeEntry, now: number, s: LivenessSettings): Transition | undefined {
  const state = e.record.state;
  if (state !== 'ready' && state !== 'suspect') return undefined;
  const live = e.live;
  if (live.closed && live.conn === undefined && now - live.closed.at >= s.closedGraceMs) {
    const c = live.closed;
    return { to: 'down', reason: REASONS.stopped(c.at, c.code, s.closedGraceMs), at: now };
  }
  const silentFor = now - silenceStart(e);
  if (silentFor >= s.downAfterMs) {
    const transport = live.silent?.transport;
    const since = now - live.at;
    const reason =
      transport === 'acked'
        ? REASONS.hung(since, live.at, live.remote)
        : transport === 'unacked'
          ? REASONS.unreachable(since, live.at, live.remote)
          : REASONS.silence(since, live.at, live.remote);
    return { to: 'down', reason, at: now };
  }
  if (state === 'ready' && silentFor >= s.suspectAfterMs)
    return {
      to: 'suspect',
      reason: REASONS.missed(now - live.at, live.at, live.remote, tcpSuffix(live.silent?.transport)),
      at: now,
    };
  return undefined;
}

/**
 * The earliest kernel time at which {@link judgeSilence} could change the node's state, as
 * things stand (a later frame only moves it later): a closed session's grace end, suspect-at
 * for a ready node, down-at for a suspect one. `undefined`: silence cannot change its state
 * (down, left, joining).
 */
export function nextJudgement(e: NodeEntry, s: LivenessSettings): number | undefined {
  const state = e.record.state;
  if (state !== 'ready' && state !== 'suspect') return undefined;
  const start = silenceStart(e);
  const silence = start + (state === 'ready' ? s.suspectAfterMs : s.downAfterMs);
  const closed = e.live.closed;
  return closed && e.live.conn === undefined ? Math.min(silence, closed.at + s.closedGraceMs) : silence;
}
