import { json, type PluginResponse, problem, type SchemaRequest } from '@omega/sdk';
import type { MetricsService } from '../metrics-service.js';
import { freshIngested, renderPrometheus } from '../prometheus/render-prometheus.js';
import { countPoints, rangeQuery } from '../query/range-query.js';
import { seriesKind } from '../series/series-catalog.js';
import { parseSeriesId } from '../series/series-id.js';
import type { SeriesEntry } from '../store/metric-store.js';
import { isProblem, type ParamProblem, querySize, rangeParams } from './query-params.js';
import type { routeSchemas } from './route-schemas.js';

type RouteSchemas = typeof routeSchemas;

/** The 400 answer for a bad parameter. */
export function badParam(p: ParamProblem): PluginResponse {
  return problem(400, 'OMEGA_ERR_VALIDATION', `${p.field}: ${p.message}`, {
    errors: [{ field: p.field, message: p.message }],
  });
}

const meta = (e: SeriesEntry) => {
  const kind = seriesKind(e.name);
  return { id: e.id, name: e.name, node: e.node, labels: e.labels, unit: kind.unit, help: kind.help };
};

/** The read-side routes: latest snapshot, series list, range query, Prometheus exposition. */
export function metricsRoutes(service: () => MetricsService) {
  return {
    /** GET /latest[?node=] — the newest collection of each node (raw areas plus derived values; a remote node's load). */
    async latest(req: SchemaRequest<RouteSchemas['latest']>): Promise<PluginResponse> {
      const s = service();
      const nodes = [...s.latest.values()]
        .filter((n) => req.query.node === undefined || n.node === req.query.node)
        .map((n) => {
          const values: Record<string, number> = {};
          for (const e of s.store.ofNode(n.node))
            if (e.history.lastAt === n.at) values[e.id] = e.history.lastValue;
          return { node: n.node, at: n.at, values, data: n.data };
        });
      const remote = [...s.remote.values()]
        .filter((r) => req.query.node === undefined || r.node === req.query.node)
        .map((r) => {
          const values: Record<string, number> = {};
          for (const e of s.store.ofNode(r.node))
            if (e.history.lastAt === r.at) values[e.id] = e.history.lastValue;
          return { node: r.node, id: r.id, at: r.at, values, load: r.load };
        });
      return json(200, { nodes: [...nodes, ...remote] });
    },

    /**
     * GET /series[?node=&name=&limit=&cursor=] — the series held, with unit and help (and the
     * collector's own, with their name in the Prometheus exposition).
     */
    async series(req: SchemaRequest<RouteSchemas['series']>): Promise<PluginResponse> {
      const s = service();
      // The kernel checked both against the schema: limit 1–5000, cursor 1–10 base-36 digits.
      const limit = req.query.limit === undefined ? 1_000 : Number(req.query.limit);
      const start = req.query.cursor === undefined ? 0 : Number.parseInt(req.query.cursor, 36);
      const filter: { node?: string; name?: string } = {};
      if (req.query.node !== undefined) filter.node = req.query.node;
      if (req.query.name !== undefined) filter.name = req.query.name;
      const sessionSeries = filter.name?.startsWith('session.') || req.query.session !== undefined;
      const all = sessionSeries
        ? s.sessions.list({
            ...filter,
            ...(req.query.session !== undefined ? { session: req.query.session } : {}),
          })
        : s.store.list(filter);
      const items = all.slice(start, start + limit).map((e) => {
        const prom = s.promOf(e.id);
        return {
          ...meta(e),
          lastAt: e.history.lastAt || null,
          lastValue: Number.isNaN(e.history.lastValue) ? null : e.history.lastValue,
          ...(prom ? { prom } : {}),
        };
      });
      const body: Record<string, unknown> = {
        items,
        nodes: s.store.nodes(),
        collector: {
          ...s.stats,
          series: s.store.size,
          remoteSeries: s.store.remoteSize,
          remote: { ...s.remoteStats, nodes: s.remote.size },
          sessions: { ...s.sessionStats, sessions: s.sessions.size, dropped: s.sessions.dropped },
          droppedSamples: s.store.dropped,
          persisted: s.persister.stats,
        },
      };
      if (start + limit < all.length) body.nextCursor = (start + limit).toString(36);
      return json(200, body);
    },

    /**
     * GET /query?series=<selector>[&node=&from=&to=&step=|points=&agg=] — range query over every
     * matching series (`agg=minmax`: `[t, avg, min, max]` points).
     */
    async query(req: SchemaRequest<RouteSchemas['query']>): Promise<PluginResponse> {
      const s = service();
      const now = s.now();
      // The kernel made `series` required; its selector syntax is checked here.
      const sel = parseSeriesId(req.query.series);
      if (!sel)
        return badParam({
          field: 'series',
          message: 'must be a series id or selector such as cpu.busy{cpu="total"}',
        });
      if (req.query.node !== undefined) sel.labels.node = req.query.node;
      const p = rangeParams(req.query, now);
      if (isProblem(p)) return badParam(p);
      const matched = sel.name.startsWith('session.') ? s.sessions.select(sel) : s.store.select(sel);
      const tooLarge = querySize(countPoints(p, now), matched.length, req.query.points !== undefined);
      if (tooLarge) return badParam(tooLarge);
      let head: Omit<ReturnType<typeof rangeQuery>, 'points'> | undefined;
      const results = matched.map((e) => {
        const { points: pts, ...rest } = rangeQuery(e.history, p, now);
        head = rest;
        return { ...meta(e), points: pts };
      });
      // minmax points are [t, avg, min, max]: say so in the answer.
      const columns = p.agg === 'minmax' ? { columns: ['t', 'avg', 'min', 'max'] } : {};
      return json(200, {
        ...(head ?? { from: p.from, to: p.to, step: p.step, agg: p.agg }),
        ...columns,
        results,
      });
    },

    /** GET /prometheus — Prometheus text exposition of every node's newest snapshot and ingested series. */
    async prometheus(): Promise<PluginResponse> {
      const s = service();
      const text = renderPrometheus(
        [...s.latest.values()],
        s.remote.values(),
        freshIngested(s.ingestedSeries(), s.now()),
      );
      return {
        status: 200,
        headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
        body: text,
      };
    },
  };
}
