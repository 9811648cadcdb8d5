import { invalid, type PluginResponse, type SchemaRequest } from '@omega/sdk';
import { fromBase64url, toBase64url } from '../crypto/base64url.js';
import type { StateChange } from '../registry/node-record.js';
import type { NodesRuntime } from '../runtime.js';
import { SLURM_HISTORY_MAX } from '../slurm/slurm-nodes.js';
import { ok } from './http.js';
import { nodeOf } from './node-read-routes.js';
import type { routeSchemas } from './route-schemas.js';

type RouteSchemas = typeof routeSchemas;

const DEFAULT_LIMIT = 50;

/** An opaque history cursor: the sequence number of the last entry of the page. */
export function encodeHistoryCursor(n: number): string {
  const text = `h${n}`;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return toBase64url(bytes);
}

/** The sequence number a history cursor holds, or undefined when it is not one this API made. */
export function decodeHistoryCursor(cursor: string): number | undefined {
  if (cursor.length > 32) return undefined;
  const bytes = fromBase64url(cursor);
  if (!bytes) return undefined;
  const m = /^h([1-9]\d{0,14})$/.exec(String.fromCharCode(...bytes));
  return m ? Number(m[1]) : undefined;
}

/**
 * `GET /:id/history` — a node's state changes and hold changes, newest first, with their
 * reasons, who decided and when; cursor-paged (`limit` 1–200, default 50; `nextCursor` while
 * older entries remain). Retention is bounded: the newest `historyMax` entries per node
 * (settings); `total` counts what is retained, `retained` is that bound.
 */
export function nodeHistoryRoute(rt: () => NodesRuntime) {
  return {
    async nodeHistory(req: SchemaRequest<RouteSchemas['nodeHistory']>): Promise<PluginResponse> {
      const s = rt();
      const e = nodeOf(s, req);
      const q = req.query;
      // The kernel checked limit (1–200); a cursor this history made is checked here.
      const limit = q.limit === undefined ? DEFAULT_LIMIT : Number(q.limit);
      const before = q.cursor === undefined ? undefined : decodeHistoryCursor(q.cursor);
      if (q.cursor !== undefined && before === undefined)
        throw invalid([{ field: 'cursor', message: 'is not a cursor this history returned' }]);
      const history = e.record.history;
      const items: StateChange[] = [];
      let more = false;
      for (let i = history.length - 1; i >= 0; i--) {
        const h = history[i] as StateChange;
        if (before !== undefined && (h.n ?? 0) >= before) continue;
        if (items.length === limit) {
          more = true;
          break;
        }
        items.push(h);
      }
      const last = items.at(-1);
      return ok({
        node: e.record.id,
        name: e.record.name,
        items,
        total: history.length,
        retained: e.record.managedBy ? SLURM_HISTORY_MAX : s.settings.current.historyMax,
        ...(more && last?.n !== undefined ? { nextCursor: encodeHistoryCursor(last.n) } : {}),
      });
    },
  };
}
