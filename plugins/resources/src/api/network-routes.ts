import { invalid, isoTime, type PluginResponse, type SchemaRequest } from '@omega/sdk';
import type { NodeQuality, QualityGrade } from '../contract.js';
import { buildTopology } from '../network/build-topology.js';
import { KERNEL, latencyMatrix } from '../network/latency-matrix.js';
import type { ResourcesRuntime } from '../runtime.js';
import { listParam, nodeParam, ok, page, textParam } from './http.js';
import type { routeSchemas } from './route-schemas.js';

type RouteSchemas = typeof routeSchemas;

const GRADES: readonly QualityGrade[] = ['good', 'degraded', 'bad', 'unreachable', 'unknown'];

/** A node's network part: interfaces, quality and where its probe stands. */
function nodeNetwork(r: ResourcesRuntime, id: string, quality: NodeQuality | undefined) {
  const i = r.interfaces.get(id);
  const p = r.probes.get(id);
  const plan = r.plans.state(id);
  return {
    interfaces: i
      ? {
          reportedAt: isoTime(i.receivedAt),
          list: i.view.interfaces,
          ...(i.view.omitted ? { omitted: i.view.omitted } : {}),
        }
      : { available: false, reason: 'no net.interfaces report from this agent yet' },
    quality: quality ?? { grade: 'unknown', reason: 'no link of this node measured yet' },
    probe: p
      ? {
          reportedAt: isoTime(p.receivedAt),
          ...(p.report.listen ? { listen: p.report.listen } : {}),
          plan: p.report.plan,
          ...(plan
            ? { intended: plan.intended, ...(plan.lastError ? { lastError: plan.lastError } : {}) }
            : {}),
          ...(p.report.responder ? { responder: p.report.responder } : {}),
        }
      : {
          available: false,
          reason:
            'no net.probe report from this agent yet (an agent without the probe, or its first round is due)',
        },
  };
}

/** The network routes: per node, interfaces, topology, latency matrix, quality. */
export function networkRoutes(rt: () => ResourcesRuntime) {
  return {
    /** GET /network ?q=&grade=&limit=&cursor= — per node: interfaces, quality, probe */
    async listNetwork(req: SchemaRequest<RouteSchemas['listNetwork']>): Promise<PluginResponse> {
      const r = rt();
      const text = textParam(req);
      const grades = listParam(req, 'grade', GRADES);
      const qualities = new Map(r.qualities(r.cells()).map((q) => [q.node, q]));
      const items = r.directory
        .list()
        .filter((n) => !text || n.name.toLowerCase().includes(text) || n.id.includes(text))
        .map((n) => ({
          id: n.id,
          name: n.name,
          state: n.state,
          ...nodeNetwork(r, n.id, qualities.get(n.id)),
        }))
        .filter((n) => grades.length === 0 || grades.includes(n.quality.grade as QualityGrade));
      return ok(page(req, items));
    },

    /** GET /network/nodes/:node */
    async getNodeNetwork(req: SchemaRequest<RouteSchemas['getNodeNetwork']>): Promise<PluginResponse> {
      const r = rt();
      const n = nodeParam(r, req);
      const cells = r.cells();
      const quality = r.qualities(cells, new Set([n.id]))[0];
      return ok({
        id: n.id,
        name: n.name,
        state: n.state,
        ...nodeNetwork(r, n.id, quality),
        measured: cells.filter((c) => c.from === n.id),
        measuredBy: cells.filter((c) => c.to === n.id),
      });
    },

    /** GET /network/topology */
    async getTopology(): Promise<PluginResponse> {
      const r = rt();
      const nodes = r.directory.list().map((n) => ({
        ...n,
        ...(r.interfaces.has(n.id) ? { interfaces: r.interfaces.get(n.id)!.view } : {}),
      }));
      return ok(buildTopology(nodes, Date.now()));
    },

    /** GET /network/latency ?nodes=id,id (rows and columns limited to those, plus kernel) */
    async getLatency(req: SchemaRequest<RouteSchemas['getLatency']>): Promise<PluginResponse> {
      const r = rt();
      const now = Date.now();
      let cells = r.cells(now);
      const only = req.query.nodes;
      if (only !== undefined) {
        const refs = only.split(',').filter((x) => x !== '');
        if (refs.length > 500) throw invalid([{ field: 'nodes', message: 'at most 500 nodes' }]);
        const ids = new Set<string>([KERNEL]);
        for (const ref of refs) {
          const n = r.directory.find(ref);
          if (!n) throw invalid([{ field: 'nodes', message: `no node ${JSON.stringify(ref.slice(0, 80))}` }]);
          ids.add(n.id);
        }
        cells = cells.filter((c) => ids.has(c.from) && ids.has(c.to));
      }
      const s = r.settings.current.probe;
      return ok(latencyMatrix(cells, (id) => r.directory.name(id), now, s.windowMs, s.intervalMs));
    },

    /** GET /network/quality ?grade=good,degraded,bad,unreachable,unknown */
    async listQuality(req: SchemaRequest<RouteSchemas['listQuality']>): Promise<PluginResponse> {
      const r = rt();
      const grades = listParam(req, 'grade', GRADES);
      const measured = new Map(r.qualities(r.cells()).map((q) => [q.node, q]));
      const items = r.directory
        .list()
        .map(
          (n): NodeQuality =>
            measured.get(n.id) ?? {
              node: n.id,
              name: n.name,
              grade: n.state === 'down' ? 'unreachable' : 'unknown',
              reason:
                n.state === 'down'
                  ? `the node is down and no link of it is measured`
                  : 'no link of this node measured yet',
              peers: { measured: 0, reachable: 0 },
            },
        )
        .filter((q) => grades.length === 0 || grades.includes(q.grade));
      return ok({ items });
    },
  };
}
