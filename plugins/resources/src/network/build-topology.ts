import { isoTime } from '@omega/sdk';
import type { NetworkTopology } from '../contract.js';
import type { InterfacesReportView } from '../reports/read-interfaces.js';
import { isLinkLocalOrLoopback, subnetOf } from './subnet.js';

/** What the topology is built from: each known node and its newest interfaces report. */
export interface TopologyInput {
  id: string;
  name: string;
  state: string;
  interfaces?: InterfacesReportView;
}

/**
 * Nodes × interfaces × subnets as a graph: a vertex per node and per subnet, an edge per address
 * of an interface (its kind, link state, MTU and speed on the edge). Link-local and loopback
 * addresses are left out (every link has them; they join nothing).
 */
export function buildTopology(nodes: readonly TopologyInput[], at: number): NetworkTopology {
  const subnets = new Map<string, { family: 'IPv4' | 'IPv6'; prefix: number; nodes: Set<string> }>();
  const links: NetworkTopology['links'] = [];
  for (const n of nodes) {
    for (const i of n.interfaces?.interfaces ?? []) {
      if (!i.addresses.available) continue;
      for (const a of i.addresses.list) {
        if (isLinkLocalOrLoopback(a.address)) continue;
        const s = subnetOf(a.address, a.prefix);
        if (!s) continue;
        let entry = subnets.get(s.id);
        if (!entry) {
          entry = { family: s.family, prefix: a.prefix, nodes: new Set() };
          subnets.set(s.id, entry);
        }
        entry.nodes.add(n.id);
        links.push({
          node: n.id,
          interface: i.name,
          subnet: s.id,
          address: a.address,
          kind: i.kind,
          operstate: i.operstate,
          ...(i.carrier !== undefined ? { carrier: i.carrier } : {}),
          ...(i.mtu !== undefined ? { mtu: i.mtu } : {}),
          ...(i.speed.available ? { speedMbps: i.speed.mbps } : {}),
        });
      }
    }
  }
  return {
    at: isoTime(at),
    nodes: nodes.map((n) => ({ id: n.id, name: n.name, state: n.state })),
    subnets: [...subnets.entries()]
      .map(([id, s]) => ({ id, family: s.family, prefix: s.prefix, nodes: s.nodes.size }))
      // Code-unit order: no locale collation loaded into the host (ICU's, ~2 MB resident).
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    links,
  };
}
