import { ScrollRegion } from '../../components/scroll-region.js';
import { t } from '../../i18n/t.js';
import type { NetworkTopology } from './network-model.js';
import { layoutTopology, TOPOLOGY_NODE_WIDTH } from './topology-layout.js';

/**
 * The network topology as SVG (no drawing library): subnets on top, nodes below grouped by the
 * subnet they share, one line per address (dashed when the link is down); titles carry the
 * interface, address, MTU and speed.
 */
export function TopologyView({ topology }: { topology: NetworkTopology }) {
  if (topology.nodes.length === 0) return <p class="muted">{t('net.noTopology')}</p>;
  const l = layoutTopology(topology);
  return (
    <figure class="topology" data-testid="topology">
      <ScrollRegion class="topology-scroll" label={t('net.topology')}>
        <svg
          viewBox={`0 0 ${l.width} ${l.height}`}
          width={l.width}
          height={l.height}
          role="img"
          aria-label={t('net.topologyLabel', { nodes: l.nodes.length, subnets: l.subnets.length })}
        >
          {l.links.map((x) => (
            <line
              key={x.key}
              x1={x.x1}
              y1={x.y1}
              x2={x.x2}
              y2={x.y2}
              class={x.up ? 'topo-link' : 'topo-link topo-down'}
            >
              <title>{x.title}</title>
            </line>
          ))}
          {l.subnets.map((s) => (
            <g key={s.id} class="topo-subnet" data-subnet={s.id}>
              <rect x={s.x} y={s.y} width={s.w} height={12} rx={3} />
              <text x={s.x + 4} y={s.y + 10}>
                {t('net.subnetLabel', { subnet: s.label, nodes: s.nodes })}
              </text>
            </g>
          ))}
          {l.nodes.map((n) => (
            <g key={n.id} class={`topo-node topo-${n.state}`} data-node={n.id}>
              <rect x={n.x} y={n.y} width={TOPOLOGY_NODE_WIDTH} height={32} rx={4} />
              <text x={n.x + TOPOLOGY_NODE_WIDTH / 2} y={n.y + 20} text-anchor="middle">
                {n.name}
              </text>
              <title>{`${n.name} (${n.state})`}</title>
            </g>
          ))}
        </svg>
      </ScrollRegion>
      {l.hidden > 0 ? (
        <figcaption class="muted">{t('net.topologyHidden', { count: l.hidden })}</figcaption>
      ) : null}
    </figure>
  );
}
