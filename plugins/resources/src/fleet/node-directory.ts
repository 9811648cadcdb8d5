import type { NodeEvent, NodesServices } from '@omega/plugin-nodes/contract';

/** What this plugin knows of a node from the registry. */
export interface NodeInfo {
  id: string;
  name: string;
  /** ready, suspect, down or left. */
  state: string;
  connected: boolean;
}

type Registry = (args: NodesServices['registry']['args']) => Promise<NodesServices['registry']['result']>;

/**
 * The nodes this plugin reports on, by id, kept from the nodes plugin: read whole at start and
 * every few minutes (`nodes.registry`), and patched in between by `nodes.node.*` events, so a
 * fleet of thousands costs no registry read per report.
 */
export class NodeDirectory {
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly byName = new Map<string, string>();
  /** When the last full read succeeded (epoch ms; 0: never). */
  refreshedAt = 0;

  constructor(private readonly registry: Registry) {}

  /** Reads the whole registry; answers the ids that disappeared from it. */
  async refresh(now = Date.now()): Promise<string[]> {
    const { nodes } = await this.registry({});
    const seen = new Set<string>();
    for (const n of nodes) {
      seen.add(n.id);
      this.put({ id: n.id, name: n.name, state: n.state, connected: n.connected });
    }
    const gone = [...this.nodes.keys()].filter((id) => !seen.has(id));
    for (const id of gone) this.drop(id);
    this.refreshedAt = now;
    return gone;
  }

  /** Applies a `nodes.node.<change>` event; answers true when the node was removed. */
  apply(change: string, e: NodeEvent): boolean {
    if (typeof e?.id !== 'string' || typeof e.name !== 'string') return false;
    if (change === 'removed') {
      this.drop(e.id);
      return true;
    }
    const known = this.nodes.get(e.id);
    this.put({
      id: e.id,
      name: e.name,
      state: typeof e.state === 'string' ? e.state : (known?.state ?? 'ready'),
      connected:
        e.state === 'ready'
          ? true
          : e.state === 'down' || e.state === 'left'
            ? false
            : (known?.connected ?? false),
    });
    return false;
  }

  /** Marks a node as heard from (a report arrived): it is connected. */
  heard(id: string): NodeInfo | undefined {
    const n = this.nodes.get(id);
    if (n) n.connected = true;
    return n;
  }

  get(id: string): NodeInfo | undefined {
    return this.nodes.get(id);
  }

  /** A node by id or by its (unique) name. */
  find(ref: string): NodeInfo | undefined {
    return this.nodes.get(ref) ?? this.nodes.get(this.byName.get(ref) ?? '');
  }

  /** The node's name, or the id when unknown. */
  name(id: string): string {
    return this.nodes.get(id)?.name ?? id;
  }

  /** Every node, by name. */
  list(): NodeInfo[] {
    return [...this.nodes.values()].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1,
    );
  }

  get size(): number {
    return this.nodes.size;
  }

  private put(n: NodeInfo): void {
    const known = this.nodes.get(n.id);
    if (known && known.name !== n.name) this.byName.delete(known.name);
    this.nodes.set(n.id, n);
    this.byName.set(n.name, n.id);
  }

  private drop(id: string): void {
    const n = this.nodes.get(id);
    if (n && this.byName.get(n.name) === id) this.byName.delete(n.name);
    this.nodes.delete(id);
  }
}
