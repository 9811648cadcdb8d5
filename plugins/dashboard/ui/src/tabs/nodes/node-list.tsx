import { useMemo } from 'preact/hooks';
import { type Column, VirtualTable } from '../../components/virtual-table.js';
import { formatBytes, formatNumber, formatTime } from '../../i18n/format.js';
import { t } from '../../i18n/t.js';
import { hrefFor } from '../../state/url-state.js';
import type { NodeView } from './node-model.js';

/** Nodes matching a state (empty: any) and a text (name, id, label, reason). */
export function filterNodes(nodes: readonly NodeView[], state: string, text: string): NodeView[] {
  const q = text.trim().toLowerCase();
  return nodes.filter(
    (n) =>
      (!state || n.state === state) &&
      (!q ||
        `${n.name} ${n.id} ${n.reason} ${Object.entries(n.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}`
          .toLowerCase()
          .includes(q)),
  );
}

/** The fleet as a virtualized table: 1,000 or 10,000 nodes render as fast as a screenful. */
export function NodeList(props: {
  nodes: readonly NodeView[];
  selected?: string | null;
  onSelect?: (n: NodeView) => void;
  height?: number;
}) {
  const onSelect = props.onSelect;
  const columns = useMemo<Column<NodeView>[]>(
    () => [
      {
        key: 'name',
        label: t('nodes.name'),
        width: '28%',
        render: (n) =>
          onSelect ? (
            <a
              href={hrefFor({ tab: 'nodes', node: n.id })}
              onClick={(e) => {
                e.preventDefault();
                onSelect(n);
              }}
            >
              {n.name}
            </a>
          ) : (
            n.name
          ),
      },
      {
        key: 'state',
        label: t('nodes.state'),
        width: '14%',
        render: (n) => <span class={`state state-${n.state}`}>{n.state}</span>,
      },
      {
        key: 'reason',
        label: t('nodes.reason'),
        width: '22%',
        render: (n) => <span class="muted">{n.reason || '–'}</span>,
      },
      {
        key: 'cpu',
        label: t('nodes.cpu'),
        width: '10%',
        optional: true,
        render: (n) =>
          n.cpuCapacity === null
            ? '–'
            : `${formatNumber((n.cpuAllocated ?? 0) / 1000)}/${formatNumber(n.cpuCapacity / 1000)}`,
      },
      {
        key: 'mem',
        label: t('nodes.memory'),
        width: '10%',
        optional: true,
        render: (n) => formatBytes(n.memoryCapacity),
      },
      {
        key: 'since',
        label: t('nodes.since'),
        width: '16%',
        optional: true,
        render: (n) => formatTime(n.since),
      },
    ],
    [onSelect],
  );
  return (
    <VirtualTable
      rows={props.nodes}
      columns={columns}
      rowKey={(n) => n.id}
      label={t('nodes.listLabel')}
      selectedKey={props.selected ?? null}
      height={props.height ?? 520}
    />
  );
}
