import type { PluginResponse } from '@omega/sdk';
import { isoTime } from '@omega/sdk';
import { allocationOf } from '../lifecycle/scheduler.js';
import type { SessionsRuntime } from '../runtime.js';
import { ok } from './http.js';

/** What active sessions hold on one node (or on all of them). */
export interface AllocationTotals {
  millicores: number;
  memoryBytes: number;
  gpus: number;
  sessions: number;
}

/**
 * GET /api/v1/sessions/allocation: what the active agent sessions hold, in total and per node
 * (millicores, memory, GPUs, sessions) — the "allocated" beside the metrics plugin's "used".
 * Sums only: which sessions hold it is for the list, with its owner rules.
 */
export function allocation(rt: SessionsRuntime): PluginResponse {
  const total: AllocationTotals = { millicores: 0, memoryBytes: 0, gpus: 0, sessions: 0 };
  const nodes = new Map<string, AllocationTotals>();
  for (const r of rt.store.all()) {
    const a = allocationOf(r);
    if (!a) continue;
    const n = nodes.get(a.node) ?? { millicores: 0, memoryBytes: 0, gpus: 0, sessions: 0 };
    nodes.set(a.node, n);
    for (const t of [n, total]) {
      t.millicores += a.millicores;
      t.memoryBytes += a.memoryBytes;
      t.gpus += a.gpus.length;
      t.sessions++;
    }
  }
  return ok({
    at: isoTime(Date.now()),
    total,
    nodes: [...nodes].map(([node, t]) => ({ node, ...t })).sort((a, b) => (a.node < b.node ? -1 : 1)),
  });
}
