import { isoTime } from '@omega/sdk';
import type { NodeSummary } from '../contract.js';
import type { NodeEntry } from '../registry/node-record.js';

/** A node as other plugins (and the API's lists) see it. */
export function nodeSummary(e: NodeEntry): NodeSummary {
  const r = e.record;
  const l = e.live;
  return {
    id: r.id,
    name: r.name,
    state: r.state,
    reason: r.reason,
    since: r.since,
    labels: r.labels,
    cordoned: r.cordon !== undefined || r.drain !== undefined,
    draining: r.drain !== undefined,
    schedulable: r.state === 'ready' && !r.cordon && !r.drain && !r.managedBy,
    connected: l.conn !== undefined,
    capacity: r.capacity,
    ...(l.load ? { load: l.load } : {}),
    ...(l.at > 0 ? { lastSeenAt: isoTime(l.at) } : {}),
    ...(r.cgroup ? { cgroup: r.cgroup } : {}),
    ...(r.managedBy ? { managedBy: r.managedBy } : {}),
    ...(r.slurm ? { slurm: r.slurm } : {}),
  };
}
