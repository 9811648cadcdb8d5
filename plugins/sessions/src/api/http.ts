import { httpError, json, type PluginResponse } from '@omega/sdk';
import type { SessionsRuntime } from '../runtime.js';
import type { SessionRecord } from '../store/session-record.js';
import { canSee, type WithCaller } from './access.js';

/** 200 (or `status`) with a JSON body, never cached. */
export const ok = (body: unknown, status = 200): PluginResponse =>
  json(status, body, { 'cache-control': 'no-store' });

/** The session of `req.params.id` the caller may see; 404 otherwise (another owner's session is not revealed). */
export function sessionOf(rt: SessionsRuntime, req: WithCaller & { params: { id?: string } }): SessionRecord {
  const id = req.params.id ?? '';
  const r = rt.store.get(id);
  if (!r || !canSee(req, r))
    throw httpError(404, 'OMEGA_ERR_NOT_FOUND', `No session ${id.slice(0, 80)}.`, { id: id.slice(0, 80) });
  return r;
}

/**
 * An optional integer query parameter, `dflt` when absent. The kernel has checked it against the
 * route's schema (an integer within the route's bounds) before the request reached the plugin.
 */
export const intQuery = (value: string | undefined, dflt: number): number =>
  value === undefined ? dflt : Number(value);
