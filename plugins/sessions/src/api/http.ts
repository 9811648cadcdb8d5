import { httpError, invalid, json, type PluginRequest, type PluginResponse } from '@omega/sdk';
import type { SessionsRuntime } from '../runtime.js';
import type { SessionRecord } from '../store/session-record.js';
import { canSee } from './access.js';

/** 200 (or `status`) with a JSON body, never cached. */
export const ok = (body: unknown, status = 200): PluginResponse =>
  json(status, body, { 'cache-control': 'no-store' });

/** The request body as an object (or `{}` when optional and absent); a 400 naming it otherwise. */
export function bodyObject(req: PluginRequest, required = true): Record<string, unknown> {
  const b = req.body;
  if (b === undefined || b === null) {
    if (!required) return {};
    throw invalid([{ field: 'body', message: 'a JSON object is required' }]);
  }
  if (typeof b !== 'object' || Array.isArray(b))
    throw invalid([{ field: 'body', message: 'must be a JSON object' }]);
  return b as Record<string, unknown>;
}

/** The session of `req.params.id` the caller may see; 404 otherwise (another owner's session is not revealed). */
export function sessionOf(rt: SessionsRuntime, req: PluginRequest): SessionRecord {
  const id = req.params.id ?? '';
  const r = rt.store.get(id);
  if (!r || !canSee(req, r))
    throw httpError(404, 'OMEGA_ERR_NOT_FOUND', `No session ${id.slice(0, 80)}.`, { id: id.slice(0, 80) });
  return r;
}

/** An optional integer query parameter within bounds; 400 naming it otherwise. */
export function intParam(req: PluginRequest, name: string, dflt: number, lo: number, hi: number): number {
  const v = req.query[name];
  if (v === undefined || v === '') return dflt;
  if (!/^-?\d{1,16}$/.test(v) || Number(v) < lo || Number(v) > hi)
    throw invalid([{ field: name, message: `must be an integer ${lo}–${hi}` }]);
  return Number(v);
}
