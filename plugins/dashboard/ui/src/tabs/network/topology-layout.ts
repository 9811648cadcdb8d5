import type { NetworkTopology } from './network-model.js';

/** Where each subnet bar, node box and link line goes in the topology SVG. */
export interface TopologyLayout {
  width: number;
  height: number;
  subnets: Array<{ id: string; x: number; y: number; w: number; label: string; nodes: number }>;
  nodes: Array<{ id: string; name: string; state: string; x: number; y: number }>;
  links: Array<{
    /** Unique per link (node, interface, address). */
    key: string;
    node: string;
    subnet: string;
    x1: number;
    y1: number;
    x2: number;
    y2: number;
    up: boolean;
    title: string;
  }>;
  /** Nodes left out of the drawing (beyond `maxNodes`). */
  hidden: number;
}

const NODE_W = 96;
const GAP = 16;
const SUBNET_Y = 24;
const NODE_Y = 150;

/**
 * Lays the plugin's topology out as two rows: subnets (the segments a switch carries) on top,
 * nodes below, grouped under the subnet they share most (so a rack's nodes sit together), and
 * one line per address. Deterministic (sorted by subnet, then name) so a reload draws the same.
 */
export function layoutTopology(t: NetworkTopology, maxNodes = 200): TopologyLayout {
  const subnets = [...t.subnets].sort((a, b) =>
    a.family === b.family ? a.id.localeCompare(b.id) : a.family === 'IPv4' ? -1 : 1,
  );
  const subnetIndex = new Map(subnets.map((s, i) => [s.id, i]));
  const firstSubnet = new Map<string, number>();
  for (const l of t.links) {
    const i = subnetIndex.get(l.subnet);
    if (i === undefined) continue;
    const known = firstSubnet.get(l.node);
    if (known === undefined || i < known) firstSubnet.set(l.node, i);
  }
  const sorted = [...t.nodes].sort(
    (a, b) =>
      (firstSubnet.get(a.id) ?? Number.MAX_SAFE_INTEGER) -
        (firstSubnet.get(b.id) ?? Number.MAX_SAFE_INTEGER) || a.name.localeCompare(b.name),
  );
  const shown = sorted.slice(0, maxNodes);
  const width = Math.max(shown.length, subnets.length, 1) * (NODE_W + GAP) + GAP;
  const nodes = shown.map((n, i) => ({
    id: n.id,
    name: n.name,
    state: n.state,
    x: GAP + i * (NODE_W + GAP),
    y: NODE_Y,
  }));
  const pos = new Map(nodes.map((n) => [n.id, n]));
  // Each subnet spans the nodes it connects (or its own slot when none is drawn).
  const laid = subnets.map((s, i) => {
    const xs = t.links.filter((l) => l.subnet === s.id && pos.has(l.node)).map((l) => pos.get(l.node)!.x);
    const x = xs.length > 0 ? Math.min(...xs) : GAP + i * (NODE_W + GAP);
    const right = xs.length > 0 ? Math.max(...xs) + NODE_W : x + NODE_W;
    return { id: s.id, x, y: SUBNET_Y + (i % 4) * 22, w: right - x, label: s.id, nodes: s.nodes };
  });
  const subnetPos = new Map(laid.map((s) => [s.id, s]));
  const links = t.links.flatMap((l) => {
    const n = pos.get(l.node);
    const s = subnetPos.get(l.subnet);
    if (!n || !s) return [];
    const up = l.operstate === 'up' && l.carrier !== false;
    return [
      {
        key: `${l.node}/${l.interface}/${l.address}`,
        node: l.node,
        subnet: l.subnet,
        x1: n.x + NODE_W / 2,
        y1: n.y,
        x2: n.x + NODE_W / 2,
        y2: s.y + 6,
        up,
        title: `${l.interface} ${l.address} (${l.operstate}${l.mtu ? `, MTU ${l.mtu}` : ''}${l.speedMbps ? `, ${l.speedMbps} Mb/s` : ''})`,
      },
    ];
  });
  return { width, height: NODE_Y + 48, subnets: laid, nodes, links, hidden: sorted.length - shown.length };
}

/** The width of a node box in the layout. */
export const TOPOLOGY_NODE_WIDTH = NODE_W;
