import { isoTime } from '@omega/sdk';
import type { NodeEntry } from '../registry/node-record.js';

/**
 * A node as the API shows it: `id`, `version` (of the operator's spec, for 409s), `spec` (what
 * operators asked: labels, cordon, drain), `status` (what is: state, reason, connection, load,
 * capacity), timestamps. `detail` adds the state history and the agent's full specs.
 */
export function nodeView(e: NodeEntry, detail?: { specs: unknown }) {
  const r = e.record;
  const l = e.live;
  return {
    id: r.id,
    name: r.name,
    version: r.specVersion,
    spec: {
      labels: r.labels,
      ...(r.cordon ? { cordon: r.cordon } : {}),
      ...(r.drain ? { drain: r.drain } : {}),
    },
    status: {
      state: r.state,
      reason: r.reason,
      since: r.since,
      schedulable: r.state === 'ready' && !r.cordon && !r.drain && !r.managedBy,
      cordoned: r.cordon !== undefined || r.drain !== undefined,
      draining: r.drain !== undefined,
      connected: l.conn !== undefined,
      ...(l.at > 0 ? { lastSeenAt: isoTime(l.at) } : {}),
      ...(l.remote ? { address: l.remote } : {}),
      ...(r.agentVersion ? { agentVersion: r.agentVersion } : {}),
      fingerprint: r.fingerprint,
      capacity: r.capacity,
      ...(l.load ? { load: l.load } : {}),
      ...(l.loadAt ? { loadAt: isoTime(l.loadAt) } : {}),
      ...(r.cgroup ? { cgroup: r.cgroup } : {}),
      ...(r.managedBy ? { managedBy: r.managedBy } : {}),
      ...(r.slurm ? { slurm: r.slurm } : {}),
      ...(detail ? { history: r.history, specs: detail.specs ?? null } : {}),
    },
    createdAt: r.joinedAt,
    updatedAt: r.updatedAt,
  };
}
