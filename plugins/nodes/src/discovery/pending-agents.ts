import type { DiscoveredAgentResult } from '@omega/protocol';
import { isoTime } from '@omega/sdk';
import { canonicalFingerprint } from '../crypto/key-fingerprint.js';
import type { Decision, PendingAgent } from './discovery.js';

/** A TXT claim as a whole number (at most 16 digits), else undefined. */
const claim = (v: unknown): number | undefined =>
  typeof v === 'string' && /^\d{1,16}$/.test(v) ? Number(v) : undefined;

/**
 * The pending list from what the kernel saw announcing (hostile LAN input): one entry per key
 * fingerprint (an agent seen on several interfaces keeps every address), minus keys that
 * `joined` (or were removed), minus rejected ones unless `all`; claims parsed, never trusted.
 * Entries without a valid fingerprint are counted in `ignored` (they cannot be approved safely).
 */
export function pendingAgents(
  seen: readonly DiscoveredAgentResult[],
  decisions: { approved: ReadonlyMap<string, Decision>; rejected: ReadonlyMap<string, Decision> },
  joined: (fp: string) => boolean,
  all: boolean,
): { items: PendingAgent[]; ignored: number } {
  const items: PendingAgent[] = [];
  const byId = new Map<string, PendingAgent>();
  let ignored = 0;
  for (const a of seen) {
    const txt = (a.txt ?? {}) as Record<string, unknown>;
    const fp = typeof txt.fp === 'string' ? canonicalFingerprint(txt.fp) : undefined;
    if (!fp) {
      ignored++;
      continue;
    }
    if (joined(fp)) continue;
    const approval = decisions.approved.get(fp);
    const rejection = decisions.rejected.get(fp);
    if (rejection && !all) continue;
    const addresses = (Array.isArray(a.addresses) ? a.addresses : []).filter(
      (x): x is string => typeof x === 'string' && x.length <= 64,
    );
    const seenAt = isoTime(Number.isFinite(a.seenAt) ? a.seenAt : 0);
    const prev = byId.get(fp);
    if (prev) {
      for (const addr of addresses)
        if (!prev.addresses.includes(addr) && prev.addresses.length < 16) prev.addresses.push(addr);
      if (seenAt > prev.seenAt) prev.seenAt = seenAt;
      continue;
    }
    const claimed: PendingAgent['claimed'] = {};
    const cpus = claim(txt.cpus);
    const mem = claim(txt.mem);
    const gpus = claim(txt.gpus);
    if (cpus !== undefined) claimed.cpus = cpus;
    if (mem !== undefined) claimed.memoryBytes = mem;
    if (gpus !== undefined) claimed.gpus = gpus;
    if (typeof txt.v === 'string' && txt.v.length <= 64) claimed.agentVersion = txt.v;
    const name = typeof txt.name === 'string' ? txt.name : String(a.name);
    const entry: PendingAgent = {
      id: fp,
      name: name.slice(0, 128),
      addresses: addresses.slice(0, 16),
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
