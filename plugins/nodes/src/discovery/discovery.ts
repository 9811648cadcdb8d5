import type { PluginContext } from '@omega/sdk';
import { canonicalFingerprint } from '../crypto/key-fingerprint.js';
import { listAll } from '../registry/node-registry.js';

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
const claim = (v: string | undefined): number | undefined => {
  if (v === undefined || !/^\d{1,16}$/.test(v)) return undefined;
  return Number(v);
};

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
    const items: PendingAgent[] = [];
    let ignored = 0;
    const byId = new Map<string, PendingAgent>();
    for (const a of seen) {
      const fp = canonicalFingerprint(String(a.txt?.fp ?? ''));
      if (!fp) {
        ignored++;
        continue;
      }
      if (joined(fp)) continue;
      const approval = this.approved.get(fp);
      const rejection = this.rejected.get(fp);
      if (rejection && !all) continue;
      const prev = byId.get(fp);
      const seenAt = new Date(a.seenAt).toISOString();
      if (prev) {
        // The same agent seen on several interfaces: one entry, every address.
        for (const addr of a.addresses) if (!prev.addresses.includes(addr)) prev.addresses.push(addr);
        if (seenAt > prev.seenAt) prev.seenAt = seenAt;
        continue;
      }
      const agentVersion = a.txt?.v;
      const claimed: PendingAgent['claimed'] = {};
      const cpus = claim(a.txt?.cpus);
      const mem = claim(a.txt?.mem);
      const gpus = claim(a.txt?.gpus);
      if (cpus !== undefined) claimed.cpus = cpus;
      if (mem !== undefined) claimed.memoryBytes = mem;
      if (gpus !== undefined) claimed.gpus = gpus;
      if (typeof agentVersion === 'string' && agentVersion.length <= 64) claimed.agentVersion = agentVersion;
      const entry: PendingAgent = {
        id: fp,
        name: String(a.txt?.name ?? a.name).slice(0, 128),
        addresses: [...a.addresses].slice(0, 16),
        port: a.port,
        claimed,
        seenAt,
        status: rejection ? 'rejected' : approval ? 'invited' : 'pending',
        ...(approval ? { approval } : {}),
        ...(rejection ? { rejection } : {}),
      };
      byId.set(fp, entry);
      items.push(entry);
    }
    items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));
    return { items, ignored };
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
