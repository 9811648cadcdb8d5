import { ChartGrid } from '../../charts/chart-grid.js';
import type { MetricChartSpec } from '../../charts/metric-chart.js';
import { useAsync } from '../../components/use-async.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';
import { useParam } from '../../state/url-state.js';

const withLabel = (key: string) => (s: { node: string; labels: Record<string, string> }) =>
  `${s.node} ${s.labels[key] ?? ''}`.trim();

/** The host metrics of every node (or one), in the tiers the metrics plugin keeps. */
export const PERFORMANCE_CHARTS: readonly MetricChartSpec[] = [
  { id: 'cpu', title: t('perf.cpu'), series: 'cpu.busy{cpu="total"}' },
  { id: 'load', title: t('perf.load'), series: 'load.1' },
  { id: 'memory', title: t('perf.memory'), series: 'memory.used_ratio' },
  { id: 'fs', title: t('perf.fs'), series: 'fs.used_ratio', label: withLabel('mount') },
  { id: 'disk-read', title: t('perf.diskRead'), series: 'disk.read_bytes', label: withLabel('device') },
  { id: 'disk-write', title: t('perf.diskWrite'), series: 'disk.write_bytes', label: withLabel('device') },
  { id: 'net-rx', title: t('perf.netRx'), series: 'net.rx_bytes', label: withLabel('interface') },
  { id: 'net-tx', title: t('perf.netTx'), series: 'net.tx_bytes', label: withLabel('interface') },
];

/** Performance: ranges 5 min–30 days, drag-zoom with undo, synced cursors, table + CSV per chart. */
export function PerformanceTab() {
  const { api } = useServices();
  const [node, setNode] = useParam('node');
  const nodes = useAsync(
    (signal) => api.get<{ nodes: string[] }>('/metrics/series?limit=1', signal).then((r) => r.nodes),
    [],
  );
  return (
    <div class="stack">
      <div class="filters">
        <label class="field-inline">
          <span>{t('perf.node')}</span>
          <select value={node} onChange={(e) => setNode(e.currentTarget.value)}>
            <option value="">{t('common.all')}</option>
            {(nodes.data ?? []).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ChartGrid charts={PERFORMANCE_CHARTS} node={node || undefined} syncKey="performance" />
    </div>
  );
}
