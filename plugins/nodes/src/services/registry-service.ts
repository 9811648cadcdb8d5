import { parseSelector, pluginError, type SelectorTerm, selectorMatches } from '@omega/sdk';
import { NODE_STATES, type NodeSummary, type RegistryArgs } from '../contract.js';
import type { NodeEntry } from '../registry/node-record.js';
import type { NodesRuntime } from '../runtime.js';
import { nodeSummary } from './node-summary.js';

/** Most ids one registry call may name. */
const MAX_IDS = 10_000;

/** A node filter: state (or `schedulable`), label selector, ids. */
export interface NodeFilter {
  state?: string;
  selector?: readonly SelectorTerm[];
  ids?: ReadonlySet<string>;
}

/** True when `e` passes `f`. */
export function passes(e: NodeEntry, f: NodeFilter): boolean {
  const r = e.record;
  if (f.ids && !f.ids.has(r.id)) return false;
  if (f.state !== undefined) {
    if (f.state === 'schedulable') {
      if (r.state !== 'ready' || r.cordon || r.drain || r.managedBy) return false;
    } else if (f.state === 'cordoned') {
      if (!r.cordon && !r.drain) return false;
    } else if (f.state === 'draining') {
      if (!r.drain) return false;
    } else if (r.state !== f.state) return false;
  }
  return !f.selector || selectorMatches(f.selector, r.labels);
}

/** `nodes.registry`: the registry, filtered, as other plugins see it. */
export function registryService(rt: NodesRuntime, args: unknown): { nodes: NodeSummary[] } {
  const a = (args ?? {}) as RegistryArgs;
  const f: NodeFilter = {};
  if (a.state !== undefined) {
    if (typeof a.state !== 'string' || !([...NODE_STATES, 'schedulable'] as string[]).includes(a.state))
      throw pluginError(
        'OMEGA_ERR_VALIDATION',
        `state must be one of ${[...NODE_STATES, 'schedulable'].join(', ')}.`,
        {
          errors: [{ field: 'state', message: 'unknown state' }],
        },
      );
    f.state = a.state;
  }
  if (a.selector !== undefined) {
    const p = typeof a.selector === 'string' ? parseSelector(a.selector) : { error: 'must be a string' };
    if ('error' in p)
      throw pluginError('OMEGA_ERR_VALIDATION', `selector: ${p.error}.`, {
        errors: [{ field: 'selector', message: p.error }],
      });
    f.selector = p.terms;
  }
  if (a.ids !== undefined) {
    if (!Array.isArray(a.ids) || a.ids.length > MAX_IDS || a.ids.some((x) => typeof x !== 'string'))
      throw pluginError('OMEGA_ERR_VALIDATION', `ids must be an array of at most ${MAX_IDS} node ids.`, {
        errors: [{ field: 'ids', message: 'invalid' }],
      });
    f.ids = new Set(a.ids);
  }
  const nodes: NodeSummary[] = [];
  for (const e of rt.allNodes()) if (passes(e, f)) nodes.push(nodeSummary(e));
  return { nodes };
}
