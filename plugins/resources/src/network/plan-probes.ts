import type { ProbeSettings } from '../settings/settings.js';

/** A node that can be probed: where its responder listens. */
export interface ProbeTarget {
  id: string;
  name: string;
  address: string;
  port: number;
}

/** The `netprobe.plan` arguments for one node, without its id (docs/network.md). */
export interface PlanBody {
  key: string;
  keyId: number;
  intervalMs: number;
  packets: number;
  spacingMs: number;
  timeoutMs: number;
  windowMs: number;
  peers: Array<{ node: string; name: string; address: string; port: number }>;
  kernel: { everyRounds: number; count: number };
  reportEveryRounds: number;
}

/** Bytes of one `net.probe` report with `peers` peers, about (measured on real reports). */
export const reportBytes = (peers: number) => 400 + 260 * peers;

/**
 * Who probes whom, and how often, for a cluster: with at most `peersPerNode + 1` nodes every
 * node probes every other (a full mesh); beyond that each node probes the `peersPerNode` nodes
 * after it in id order, shifted by `epoch` (one step per window), so every pair is measured
 * within (n − 1) / peersPerNode windows while a node's cost stays bounded. The kernel is timed
 * every `everyRounds` rounds so the whole cluster sends it at most `kernelConnectsPerSecond`
 * handshakes, and reports are paced to about `reportBytesPerSecond` for the whole cluster.
 * `probers` are every node that runs the probe; `targets` those whose responder is known.
 */
export function planProbes(
  probers: ReadonlyArray<{ id: string }>,
  targets: readonly ProbeTarget[],
  s: ProbeSettings,
  key: { key: string; keyId: number },
  epoch: number,
): Map<string, PlanBody> {
  const sorted = [...targets].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const index = new Map(sorted.map((t, i) => [t.id, i]));
  const n = sorted.length;
  const intervalSec = s.intervalMs / 1000;
  const clusterSize = Math.max(probers.length, 1);
  const everyRounds = Math.max(
    1,
    Math.ceil((clusterSize * s.kernelConnects) / (intervalSec * s.kernelConnectsPerSecond)),
  );
  const out = new Map<string, PlanBody>();
  for (const p of probers) {
    const own = index.get(p.id);
    const others = own === undefined ? n : n - 1;
    const k = Math.min(s.peersPerNode, others);
    const peers: ProbeTarget[] = [];
    if (others <= s.peersPerNode) {
      for (const t of sorted) if (t.id !== p.id) peers.push(t);
    } else if (own === undefined) {
      // Not probed itself (its responder is unknown): it still probes k targets, rotating.
      const offset = (epoch * k) % n;
      for (let j = 0; j < k; j++) peers.push(sorted[(offset + j) % n]!);
    } else {
      const offset = (epoch * k) % others;
      for (let j = 0; j < k; j++) peers.push(sorted[(own + 1 + ((offset + j) % others)) % n]!);
    }
    const reportEveryRounds = Math.max(
      1,
      Math.ceil((clusterSize * reportBytes(peers.length)) / (intervalSec * s.reportBytesPerSecond)),
    );
    out.set(p.id, {
      key: key.key,
      keyId: key.keyId,
      intervalMs: s.intervalMs,
      packets: s.packets,
      spacingMs: s.spacingMs,
      timeoutMs: s.timeoutMs,
      windowMs: Math.max(s.windowMs, s.intervalMs * reportEveryRounds),
      peers: peers.map((t) => ({ node: t.id, name: t.name, address: t.address, port: t.port })),
      kernel: { everyRounds, count: s.kernelConnects },
      reportEveryRounds,
    });
  }
  return out;
}

/** FNV-1a of a string, as 8 hex digits: tells whether a node's plan changed (not a secret). */
export function planHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
