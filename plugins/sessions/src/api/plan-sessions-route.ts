import type { NodeSummary } from '@omega/plugin-nodes/contract';
import type { PluginResponse, SchemaRequest } from '@omega/sdk';
import { isoTime } from '@omega/sdk';
import type { NodesCtx } from '../agents/nodes-calls.js';
import { allocationOf, describeFit, startOrder } from '../lifecycle/scheduler.js';
import { demandOf, freeCapacity, schedulePass, toPlacementNode } from '../placement/index.js';
import type { SessionsRuntime } from '../runtime.js';
import { parseSessionSpec } from '../spec/parse-session-spec.js';
import { describeError } from '../util/describe-error.js';
import { ok } from './http.js';
import type { routeSchemas } from './route-schemas.js';

/** Most copies one plan (or one bulk start) may ask about. */
export const MAX_PLAN_COPIES = 1000;

/** One copy's fate in a plan. */
export interface PlannedCopy {
  copy: number;
  placed: boolean;
  node?: string;
  nodeName?: string;
  cpus?: number[];
  gpus?: number[];
  /** Where it would start, or why it would wait — the words the scheduler would use. */
  reason: string;
}

/**
 * POST /api/v1/sessions/plan `{ spec, count }`: a dry run of starting `count` copies of `spec`
 * now. The kernel checked the body against its schema (400 naming each bad field: `count`,
 * `spec.resources.cores`); the spec is then read exactly as POST /sessions reads it; then one scheduling pass is computed — the sessions already waiting first,
 * in start order, then the copies — on the registry's nodes and what running sessions hold,
 * and nothing is recorded, reserved or started. Quotas are not applied (a real start checks them).
 */
export async function planSessions(
  rt: SessionsRuntime,
  req: SchemaRequest<typeof routeSchemas.planSessions>,
): Promise<PluginResponse> {
  const count = req.body.count ?? 1;
  const spec = parseSessionSpec(req.body.spec, { placement: rt.settings.placement, fieldPrefix: 'spec.' });
  const at = isoTime(Date.now());
  if (spec.target.kind === 'slurm') {
    const reason = `submitted to Slurm${spec.target.partition ? ` (partition ${spec.target.partition})` : ''}; Slurm decides where it runs`;
    const items: PlannedCopy[] = Array.from({ length: count }, (_, i) => ({
      copy: i + 1,
      placed: false,
      reason,
    }));
    return ok({ at, count, target: 'slurm', placed: 0, waiting: count, items });
  }
  let registry: NodeSummary[];
  try {
    registry = (await (rt.ctx as unknown as NodesCtx).services.call('nodes.registry', {})).nodes;
  } catch (err) {
    const reason = `the node registry cannot be read (${describeError(err)}): a started session would wait`;
    const items: PlannedCopy[] = Array.from({ length: count }, (_, i) => ({
      copy: i + 1,
      placed: false,
      reason,
    }));
    return ok({ at, count, target: 'agents', placed: 0, waiting: count, items });
  }
  const own = registry.filter((n) => n.managedBy === undefined);
  const names = new Map(own.map((n) => [n.id, n.name]));
  const all = [...rt.store.all()];
  const free = freeCapacity(
    own.map((n) => toPlacementNode(n, rt.nodes.holdOf(n.id))),
    all.flatMap((r) => allocationOf(r) ?? []),
  );
  const waiting = all
    .filter((r) => r.status.state === 'pending' && !r.status.placement && r.spec.target.kind === 'agents')
    .sort(startOrder);
  // The copies are the youngest: they go after every waiting session of the same or higher priority.
  const queue = [...waiting.map((r) => ({ priority: r.spec.priority, d: demandOf(r.id, r.spec) }))];
  const copies = Array.from({ length: count }, (_, i) => ({
    priority: spec.priority,
    d: demandOf(`plan:${i + 1}`, spec),
  }));
  for (const c of copies) {
    const pos = queue.findIndex((q) => q.priority < c.priority);
    if (pos === -1) queue.push(c);
    else queue.splice(pos, 0, c);
  }
  const result = schedulePass(
    queue.map((q) => q.d),
    free,
  );
  const items: PlannedCopy[] = [];
  for (const { demand, fit } of result.placed) {
    if (!demand.session.startsWith('plan:')) continue;
    const name = names.get(fit.node) ?? fit.node;
    items.push({
      copy: Number(demand.session.slice(5)),
      placed: true,
      node: fit.node,
      nodeName: name,
      ...(fit.cpus ? { cpus: fit.cpus } : {}),
      ...(fit.gpus.length > 0 ? { gpus: fit.gpus } : {}),
      reason: describeFit(fit, name),
    });
  }
  for (const { demand, reason } of result.waiting)
    if (demand.session.startsWith('plan:'))
      items.push({ copy: Number(demand.session.slice(5)), placed: false, reason });
  items.sort((a, b) => a.copy - b.copy);
  const placed = items.filter((i) => i.placed).length;
  return ok({
    at,
    count,
    target: 'agents',
    queuedAhead: waiting.length,
    placed,
    waiting: count - placed,
    items,
  });
}
