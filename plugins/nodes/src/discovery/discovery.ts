import type { PluginContext } from '@omega/sdk';
import { listAll } from '../registry/node-registry.js';
import { pendingAgents } from './pending-agents.js';

/** An agent announcing itself on the LAN, as an operator sees it: every figure is its own claim. */
export interface PendingAgent {
  /** The fingerprint of its identity key (canonical base64url): what approve and reject name. */
  id: string;
  name: string;
  addresses: string[];
  port: number;
  /** What the agent claims about itself (TXT record): never trusted, shown to help the operator decide. */
  claimed: { cpus?: number; memoryBytes?: number; gpus?: number; agentVersion?: string };
  /** ISO time it was last heard announcing. */
  seenAt: string;
  status: 'pending' | 'invited' | 'rejected';
  approval?: Decision;
  rejection?: Decision;
}

/** An operator's decision about a discovered agent. */
export interface Decision {
  by: string;
  at: string;
  reason?: string;
  /** The single-use token minted for it (approvals). */
  token?: string;
  name: string;
}

const APPROVED = 'approved';
const REJECTED = 'rejected';

/**
 * Agents seen on the LAN (the kernel browses mDNS, `ctx.agents.discovered()`) and the
 * operator's decisions about them, remembered by key fingerprint: approved ones were invited
 * with a token bound to that fingerprint; rejected ones stay hidden from the pending list.
 */
export class Discovery {
  private readonly approved = new Map<string, Decision>();
  private readonly rejected = new Map<string, Decision>();

  constructor(private readonly ctx: PluginContext) {}

  /** Loads the decisions stored by earlier activations. */
  async load(): Promise<void> {
    for (const r of await listAll<Decision>(this.ctx, APPROVED)) this.approved.set(r.id, r.value);
    for (const r of await listAll<Decision>(this.ctx, REJECTED)) this.rejected.set(r.id, r.value);
  }

  /**
   * The agents announcing now, minus those that already joined (`joined(fp)`); `all` keeps the
   * rejected ones. Entries without a valid key fingerprint cannot be approved safely and are
   * counted in `ignored`.
   */
  async list(
    joined: (fp: string) => boolean,
    all = false,
  ): Promise<{ items: PendingAgent[]; ignored: number }> {
    const seen = await this.ctx.agents.discovered();
    return pendingAgents(seen, { approved: this.approved, rejected: this.rejected }, joined, all);
  }

  /** Records an approval (and forgets an earlier rejection of the same key). */
  async approve(fp: string, d: Decision): Promise<void> {
    await this.ctx.storage.set(APPROVED, fp, d);
    this.approved.set(fp, d);
    if (this.rejected.delete(fp)) await this.ctx.storage.delete(REJECTED, fp);
  }

  /** Records a rejection: the key stays hidden from the pending list. */
  async reject(fp: string, d: Decision): Promise<void> {
    await this.ctx.storage.set(REJECTED, fp, d);
    this.rejected.set(fp, d);
    if (this.approved.delete(fp)) await this.ctx.storage.delete(APPROVED, fp);
  }

  /** Forgets the approval of a key once it joined. */
  async joined(fp: string): Promise<void> {
    if (this.approved.delete(fp)) await this.ctx.storage.delete(APPROVED, fp).catch(() => false);
  }
}
