import { isoTime } from '@omega/sdk';
import type { SessionsRuntime } from '../runtime.js';
import { applyStatus, isAgentStatus } from './apply-status.js';
import { launch } from './launch.js';
import { stopLeftover } from './session-ops.js';
import { isActive, isTerminal } from './states.js';

/**
 * A node is ready again (after a restart, a cut link, a plugin restart): its agent's session
 * list is the truth for what runs there. Ends it reported while nobody listened are applied;
 * a start that never arrived is sent again (same id); a session it no longer knows is lost;
 * one this plugin already ended (lost, cancelled) but which still runs is stopped.
 */
export async function reconcileNode(rt: SessionsRuntime, node: string, name: string): Promise<void> {
  const recent = Date.now() - 86_400_000;
  const ours = [...rt.store.all()].filter(
    (r) =>
      r.status.placement?.node === node &&
      (!isTerminal(r.status.state) ||
        ((r.status.state === 'lost' || r.status.state === 'cancelled') &&
          Date.parse(r.status.endedAt ?? '') > recent)),
  );
  if (ours.length === 0) return;
  const out = await rt.commands.run(
    node,
    `reconcile:${Date.now().toString(36)}:${node}`.slice(0, 80),
    'session.list',
    {},
    20_000,
  );
  if (out.kind !== 'result' || !out.ok) {
    rt.log('info', 'sessions: could not list the sessions of a node', { node: name, outcome: out.kind });
    return;
  }
  const list = (out.data as { sessions?: unknown } | null)?.sessions;
  const listed = new Map<string, unknown>();
  if (Array.isArray(list)) for (const s of list) if (isAgentStatus(s)) listed.set(s.id, s);
  for (const r of ours) {
    const s = listed.get(r.id);
    await rt.locks.run(r.id, async () => {
      if (s && isAgentStatus(s)) {
        if (isTerminal(r.status.state)) {
          if (s.phase !== 'ended') void stopLeftover(rt, r, node);
          return;
        }
        applyStatus(rt, r, s, node);
        return;
      }
      if (r.status.state === 'starting') {
        void launch(rt, r);
        return;
      }
      if (isActive(r.status.state) && r.spec.target.kind === 'agents') {
        delete r.pendingOp;
        rt.lifecycle.move(r, 'lost', `node ${name} no longer knows it (its agent's data was lost?)`, {
          patch: { endedAt: isoTime(Date.now()) },
        });
        rt.usage.end(r.id);
        rt.scheduler.wake();
      }
    });
  }
}
