import { httpError, invalid, json, type PluginResponse } from '@omega/sdk';
import type { NodeInfo } from '../fleet/node-directory.js';
import type { ResourcesRuntime } from '../runtime.js';

/** 200 (or `status`) with a JSON body, never cached. */
export const ok = (body: unknown, status = 200): PluginResponse =>
  json(status, body, { 'cache-control': 'no-store' });

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
/** What the helpers read of a request: its query (typed from a route's schemas, or any string map). */
type WithQuery = { query: Readonly<Record<string, string | undefined>> };

const CURSOR = /^[A-Za-z0-9._-]{1,63}~[A-Za-z0-9._-]{1,128}$/;

/** A page of `list` (sorted by name, then id) from `?limit=&cursor=`; a bad parameter is a 400. */
export function page<T extends { name: string; id: string }>(
  req: WithQuery,
  list: readonly T[],
): { items: T[]; nextCursor?: string } {
  const q = req.query;
  const limit = q.limit === undefined ? DEFAULT_LIMIT : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw invalid([{ field: 'limit', message: `must be an integer from 1 to ${MAX_LIMIT}` }]);
  let start = 0;
  if (q.cursor !== undefined) {
    if (!CURSOR.test(q.cursor))
      throw invalid([{ field: 'cursor', message: 'is not a cursor this list returned' }]);
    const sep = q.cursor.indexOf('~');
    const name = q.cursor.slice(0, sep);
    const id = q.cursor.slice(sep + 1);
    start = list.findIndex((x) => x.name > name || (x.name === name && x.id > id));
    if (start < 0) start = list.length;
  }
  const items = list.slice(start, start + limit);
  const last = items[items.length - 1];
  return start + limit < list.length && last ? { items, nextCursor: `${last.name}~${last.id}` } : { items };
}

/** The node named by `:node` (its id or name), or a 404. */
export function nodeParam(rt: ResourcesRuntime, req: { params: { node?: string } }): NodeInfo {
  const ref = req.params.node ?? '';
  const n = ref.length <= 128 ? rt.directory.find(ref) : undefined;
  if (!n)
    throw httpError(404, 'OMEGA_ERR_NOT_FOUND', `No node ${JSON.stringify(ref.slice(0, 80))}.`, {
      node: ref.slice(0, 80),
    });
  return n;
}

/** A comma-separated list parameter of known values (empty when absent); a bad value is a 400. */
export function listParam<T extends string>(req: WithQuery, field: string, known: readonly T[]): T[] {
  const v = req.query[field];
  if (v === undefined || v === '') return [];
  const out: T[] = [];
  for (const part of v.split(',')) {
    if (!(known as readonly string[]).includes(part))
      throw invalid([{ field, message: `each one of ${known.join(', ')}` }]);
    if (!out.includes(part as T)) out.push(part as T);
  }
  return out;
}

/** A text filter (`?q=`), lowercased; at most 256 characters. */
export function textParam(req: WithQuery): string | undefined {
  const q = req.query.q?.trim().toLowerCase();
  if (q !== undefined && q.length > 256)
    throw invalid([{ field: 'q', message: 'is longer than 256 characters' }]);
  return q === '' ? undefined : q;
}
