import type { NodeEvent } from '@omega/plugin-nodes/contract';
import { isoTime } from '@omega/sdk';
import type { SessionsRuntime } from '../runtime.js';
import type { SessionRecord } from '../store/session-record.js';
import { reconcileNode } from './reconcile-node.js';
import { requestTerminate, sendOp } from './session-ops.js';
import { isActive } from './states.js';

interface NodeNote {
  name: string;
  /** When the node left (its agent said goodbye), epoch ms. */
  leftAt?: number;
  /** A drain's deadline (epoch ms), who asked and why: sessions still there are then cancelled. */
  drain?: { deadline: number; by: string; reason: string };
  /** The plugin's own hold on the node (its agent refused sessions), until epoch ms. */
  hold?: { reason: string; until: number };
}

/**
 * What the sessions plugin learns from `nodes.node.*`: a node that went down (or was removed)
 * loses its sessions (`lost`, with the node's reason); one that left (agent stopped) keeps them
 * for a grace period, since an upgraded or restarted agent adopts them; one that is ready again
 * is reconciled (its agent's list against ours) and gets the operations that waited for it; a
 * drain's deadline cancels what is still on the node. Every node change asks for a pass.
 */
export class NodeWatch {
  private readonly notes = new Map<string, NodeNote>();

  constructor(private readonly rt: SessionsRuntime) {}

  private note(id: string, name: string): NodeNote {
    let n = this.notes.get(id);
    if (!n) {
      n = { name };
      this.notes.set(id, n);
    }
    n.name = name;
    return n;
  }

  /** Skips a node for new sessions until `ms` from now (its agent refused one). */
  hold(node: string, reason: string, ms: number): void {
    this.note(node, this.notes.get(node)?.name ?? node).hold = { reason, until: Date.now() + ms };
  }

  /** The name a node had in its last event (undefined before any). */
  nameOf(node: string): string | undefined {
    return this.notes.get(node)?.name;
  }

  /** The plugin's hold on a node, if one is in force. */
  holdOf(node: string): string | undefined {
    const h = this.notes.get(node)?.hold;
    return h && h.until > Date.now() ? h.reason : undefined;
  }

  /** Sessions active on node `id`. */
  private sessionsOn(id: string): SessionRecord[] {
    return [...this.rt.store.all()].filter(
      (r) =>
        r.status.placement?.node === id &&
        (isActive(r.status.state) || (r.status.state === 'pending' && r.status.placement)),
    );
  }

  /** Handles one `nodes.node.<change>` event. */
  async onEvent(topic: string, e: NodeEvent): Promise<void> {
    const rt = this.rt;
    const change = topic.slice('nodes.node.'.length);
    const n = this.note(e.id, e.name);
    rt.scheduler.wake();
    switch (change) {
      case 'down':
      case 'removed':
        delete n.leftAt;
        return this.lose(
          e.id,
          change === 'down' ? `node ${e.name} went down: ${e.reason}` : `node ${e.name} was removed`,
        );
      case 'left':
        n.leftAt = Date.now();
        return;
      case 'ready':
        delete n.leftAt;
        await reconcileNode(rt, e.id, e.name);
        for (const r of this.sessionsOn(e.id)) if (r.pendingOp) void sendOp(rt, r);
        return;
      case 'draining': {
        const d = e.hold?.deadline ? Date.parse(e.hold.deadline) : Number.NaN;
        if (Number.isFinite(d))
          n.drain = { deadline: d, by: e.hold?.by ?? 'an operator', reason: e.hold?.reason ?? 'drain' };
        return;
      }
      case 'uncordoned':
        delete n.drain;
        return;
      default:
        return;
    }
  }

  /** Marks every session active on `node` lost (Slurm jobs keep running in Slurm: only noted). */
  private async lose(node: string, reason: string): Promise<void> {
    const rt = this.rt;
    for (const r of this.sessionsOn(node)) {
      await rt.locks.run(r.id, () => {
        if (r.spec.target.kind === 'slurm') {
          rt.lifecycle.move(
            r,
            r.status.state,
            `${reason}; the Slurm job's state is unknown until its submit host is back`,
          );
          return;
        }
        delete r.pendingOp;
        rt.lifecycle.move(r, 'lost', reason, { patch: { endedAt: isoTime(Date.now()) } });
        rt.usage.end(r.id);
      });
    }
  }

  /** The sweep: left nodes past the grace lose their sessions; drains past their deadline cancel theirs. */
  async sweep(now: number): Promise<void> {
    const rt = this.rt;
    for (const [id, n] of this.notes) {
      if (n.leftAt !== undefined && now - n.leftAt >= rt.settings.leftLostAfterMs) {
        delete n.leftAt;
        await this.lose(
          id,
          `node ${n.name} left ${Math.round(rt.settings.leftLostAfterMs / 60_000)} min ago and has not come back`,
        );
      }
      if (n.drain && now >= n.drain.deadline) {
        const d = n.drain;
        delete n.drain;
        for (const r of this.sessionsOn(id)) {
          if (r.spec.target.kind === 'slurm') continue; // its job runs on Slurm's nodes, not on the submit host
          const send = await rt.locks.run(r.id, () =>
            r.status.state === 'terminating'
              ? false
              : requestTerminate(rt, r, d.by, `node ${n.name} drained: ${d.reason}`),
          );
          if (send) void sendOp(rt, r);
        }
      }
      if (n.hold && n.hold.until <= now) delete n.hold;
    }
  }
}
