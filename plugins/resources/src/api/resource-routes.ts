import { httpError, isoTime, type PluginResponse, type SchemaRequest } from '@omega/sdk';
import type { NodeResources, ProblemEvent, Severity } from '../contract.js';
import { SECTIONS } from '../detail/detail-fetcher.js';
import type { NodeInfo } from '../fleet/node-directory.js';
import type { ResourcesRuntime } from '../runtime.js';
import { listParam, nodeParam, ok, page, textParam } from './http.js';
import type { routeSchemas } from './route-schemas.js';

type RouteSchemas = typeof routeSchemas;

const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];

/** One node's resources as the API serves them. */
export function nodeResources(rt: ResourcesRuntime, n: NodeInfo): NodeResources {
  const s = rt.summaries.get(n.id);
  return {
    id: n.id,
    name: n.name,
    state: n.state,
    connected: n.connected,
    ...(s ? { reportedAt: isoTime(s.receivedAt) } : {}),
    summary: s
      ? s.view
      : {
          available: false,
          reason: n.connected
            ? 'no resources.summary from this agent yet: its first report is due within its report interval (60 s by default), or the agent predates the resource reporters'
            : `no resources.summary: the node is ${n.state} and has not reported since this plugin started`,
        },
    problems: rt.problems.of(n.id),
  };
}

/** The fleet's totals for the list's header. */
function cluster(rt: ResourcesRuntime, items: NodeResources[]) {
  let numaNodes = 0;
  let throttled = 0;
  let degradedArrays = 0;
  let hottest: { node: string; celsius: number; sensor: string } | undefined;
  const problems = { critical: 0, warning: 0, info: 0 };
  for (const n of items) {
    for (const p of n.problems) problems[p.severity]++;
    const s = n.summary;
    if (!('v' in s)) continue;
    if (s.numa.available) numaNodes += s.numa.nodes.length;
    if (
      (s.thermal.throttle.available && s.thermal.throttle.count > 0) ||
      (s.thermal.frequency.available && s.thermal.frequency.heldDown.count > 0)
    )
      throttled++;
    if (s.health.md.available) degradedArrays += s.health.md.arrays.filter((a) => a.degraded).length;
    if (s.thermal.sensors.available && (!hottest || s.thermal.sensors.hottest.celsius > hottest.celsius)) {
      const h = s.thermal.sensors.hottest;
      hottest = { node: n.id, celsius: h.celsius, sensor: `${h.chip}${h.label ? ` ${h.label}` : ''}` };
    }
  }
  return {
    nodes: items.length,
    reporting: items.filter((n) => 'v' in n.summary).length,
    numaNodes,
    throttledNodes: throttled,
    degradedArrays,
    ...(hottest ? { hottest } : {}),
    problems,
    updatedAt: isoTime(Date.now()),
    ...(rt.directory.refreshedAt === 0
      ? { registry: 'the node registry could not be read yet (is the nodes plugin running?)' }
      : {}),
  };
}

/** The resource routes: the fleet list, the problems, one node, one node's detail. */
export function resourceRoutes(rt: () => ResourcesRuntime) {
  return {
    /** GET / ?q=&problems=critical,warning,info&limit=&cursor= */
    async listResources(req: SchemaRequest<RouteSchemas['listResources']>): Promise<PluginResponse> {
      const r = rt();
      const text = textParam(req);
      const severities = listParam(req, 'problems', SEVERITIES);
      const all = r.directory.list().map((n) => nodeResources(r, n));
      const filtered = all.filter(
        (n) =>
          (!text || n.name.toLowerCase().includes(text) || n.id.includes(text)) &&
          (severities.length === 0 || n.problems.some((p) => severities.includes(p.severity))),
      );
      return ok({ cluster: cluster(r, all), ...page(req, filtered) });
    },

    /** GET /problems ?severity=critical,warning,info */
    async listProblems(req: SchemaRequest<RouteSchemas['listProblems']>): Promise<PluginResponse> {
      const r = rt();
      const severities = listParam(req, 'severity', SEVERITIES);
      const items: ProblemEvent[] = [];
      for (const id of r.problems.nodes())
        for (const p of r.problems.of(id))
          if (severities.length === 0 || severities.includes(p.severity))
            items.push({ ...p, node: id, name: r.directory.name(id) });
      const rank = { critical: 0, warning: 1, info: 2 };
      items.sort((a, b) => rank[a.severity] - rank[b.severity] || (a.since < b.since ? -1 : 1));
      return ok({ items });
    },

    /** GET /nodes/:node */
    async getNodeResources(req: SchemaRequest<RouteSchemas['getNodeResources']>): Promise<PluginResponse> {
      const r = rt();
      return ok(nodeResources(r, nodeParam(r, req)));
    },

    /** GET /nodes/:node/detail ?sections=numa,thermal,storage,health */
    async getNodeDetail(req: SchemaRequest<RouteSchemas['getNodeDetail']>): Promise<PluginResponse> {
      const r = rt();
      const n = nodeParam(r, req);
      const sections = listParam(req, 'sections', SECTIONS);
      try {
        const d = await r.detail.get(n.id, sections);
        return ok({
          node: n.id,
          name: n.name,
          at: isoTime(d.at),
          ...(d.stale ? { stale: d.stale } : {}),
          detail: d.detail,
        });
      } catch (err) {
        const e = err as { code?: string; message?: string };
        const code =
          e.code === 'OMEGA_ERR_NOT_FOUND' ? 'OMEGA_ERR_UNAVAILABLE' : (e.code ?? 'OMEGA_ERR_UNAVAILABLE');
        throw httpError(
          code === 'OMEGA_ERR_VALIDATION' ? 400 : 503,
          code === 'OMEGA_ERR_VALIDATION' ? code : 'OMEGA_ERR_UNAVAILABLE',
          `Node ${n.name} could not give its detail (${code}: ${(e.message ?? '').slice(0, 300)}); its summary is at GET /api/v1/resources/nodes/${n.id}. Retry once it is connected.`,
          { node: n.id },
        );
      }
    },
  };
}
