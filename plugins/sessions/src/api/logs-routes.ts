import type { PluginResponse, SchemaRequest } from '@omega/sdk';
import type { LogsOpResult } from '../agent-ops.js';
import { isTerminal } from '../lifecycle/states.js';
import type { SessionsRuntime } from '../runtime.js';
import { intQuery, ok, sessionOf } from './http.js';
import { queryNode } from './node-query.js';
import type { routeSchemas } from './route-schemas.js';

type RouteSchemas = typeof routeSchemas;

/** Largest window one call returns (bytes before base64: a result frame holds 768 KiB of JSON). */
export const MAX_LOG_WINDOW = 512 * 1024;
/** Longest a call waits for new output (the kernel's deadline on a route call is 60 s). */
export const MAX_WAIT_SEC = 25;

/** The stream a request names (the kernel checked it is stdout or stderr). */
const stream = (req: { query: { stream?: string } }) => (req.query.stream ?? 'stdout') as 'stdout' | 'stderr';

/** Session output: a window from an offset (download), following with a long poll (live), and search. */
export function logsRoutes(rt: () => SessionsRuntime) {
  return {
    /**
     * GET /api/v1/sessions/:id/logs?stream=stdout&offset=0&limit=65536&wait=20 — the bytes of one
     * stream from `offset`, exact (base64 in `data`), with `nextOffset` to continue. With `wait`
     * (seconds) the call waits until new bytes arrive or the session ends: a follower calls again
     * with `nextOffset` until `ended` and nothing is left. Bytes rotated away are skipped and
     * counted in `skippedBytes`.
     */
    async sessionLogs(req: SchemaRequest<RouteSchemas['sessionLogs']>): Promise<PluginResponse> {
      const s = rt();
      const r = sessionOf(s, req);
      const offset = intQuery(req.query.offset, 0);
      const limit = intQuery(req.query.limit, 65_536);
      const wait = isTerminal(r.status.state) ? 0 : intQuery(req.query.wait, 0);
      const which = stream(req);
      if (r.status.state === 'pending' || r.status.state === 'starting') {
        // No output yet: an empty window (a follower calls again with the same offset).
        return ok({
          stream: which,
          offset,
          nextOffset: offset,
          data: '',
          skippedBytes: 0,
          startOffset: 0,
          endOffset: 0,
          ended: false,
          encoding: 'base64',
          state: r.status.state,
        });
      }
      const data = (await queryNode(
        s,
        r,
        'session.logs',
        { stream: which, offset, limit, waitMs: wait * 1000 },
        wait * 1000 + 15_000,
      )) as LogsOpResult;
      const cur = s.store.get(r.id) ?? r;
      return ok({ ...data, encoding: 'base64', state: cur.status.state });
    },

    /**
     * GET /api/v1/sessions/:id/logs/search?stream=&pattern=&regex=false&fromOffset=0&maxMatches=100 —
     * matching lines with their offsets (a regex runs on the node under a deadline).
     */
    async searchSessionLogs(req: SchemaRequest<RouteSchemas['searchSessionLogs']>): Promise<PluginResponse> {
      const s = rt();
      const r = sessionOf(s, req);
      const pattern = req.query.pattern;
      const regex = req.query.regex === 'true';
      const data = await queryNode(
        s,
        r,
        'session.search-logs',
        {
          stream: stream(req),
          pattern,
          regex,
          fromOffset: intQuery(req.query.fromOffset, 0),
          maxMatches: intQuery(req.query.maxMatches, 100),
        },
        40_000,
      );
      return ok(data);
    },
  };
}
