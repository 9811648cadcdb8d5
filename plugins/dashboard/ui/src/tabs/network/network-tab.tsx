import './network.css';
import { isNotFound } from '../../api/api-error.js';
import { type Page, readAllPages } from '../../api/read-all-pages.js';
import { AsyncView, NotInstalled } from '../../components/status-views.js';
import { useAsync } from '../../components/use-async.js';
import { useCoalescedLive } from '../../components/use-coalesced-live.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';
import { HostInterfaces } from './host-interfaces.js';
import { InterfaceTable } from './interface-table.js';
import { LatencyHeatTable } from './latency-heat-table.js';
import type { LatencyMatrix, NetworkTopology, NodeNetwork, NodeQuality } from './network-model.js';
import { QualityList } from './quality-list.js';
import { TopologyView } from './topology-view.js';

/** Re-reads on network events at most this often (agents report every second in a busy fleet). */
const LIVE_MIN_MS = 2_000;

/**
 * Network: every node's interfaces (rates, errors, drops, speed, state), the inter-node latency
 * matrix as a heat table, the topology (SVG) and link quality per node — from the resources
 * plugin's network routes (docs/network.md), live from `network.**` events — and the kernel
 * host's own interfaces.
 */
export function NetworkTab() {
  const { api } = useServices();
  const matrix = useAsync((signal) => api.get<LatencyMatrix>('/resources/network/latency', signal), []);
  const nodes = useAsync(
    (signal) => readAllPages<Page<NodeNetwork>>(api, '/resources/network', signal).then((r) => r.items),
    [],
  );
  const topology = useAsync((signal) => api.get<NetworkTopology>('/resources/network/topology', signal), []);
  const quality = useAsync(
    (signal) => api.get<{ items: NodeQuality[] }>('/resources/network/quality', signal),
    [],
  );
  useCoalescedLive(['network.**'], LIVE_MIN_MS, () => {
    matrix.reload();
    nodes.reload();
    topology.reload();
    quality.reload();
  });
  const installed = !(matrix.error !== undefined && isNotFound(matrix.error));
  return (
    <div class="stack">
      {installed ? (
        <>
          <section aria-labelledby="net-fleet-ifaces">
            <h2 id="net-fleet-ifaces">{t('net.fleetInterfaces')}</h2>
            <AsyncView state={nodes}>{(n) => <InterfaceTable nodes={n} />}</AsyncView>
          </section>
          <section aria-labelledby="net-matrix">
            <h2 id="net-matrix">{t('net.latency')}</h2>
            <AsyncView state={matrix}>{(m) => <LatencyHeatTable matrix={m} />}</AsyncView>
          </section>
          <div class="cards net-grid">
            <section class="card" aria-labelledby="net-topology">
              <h2 id="net-topology">{t('net.topology')}</h2>
              <AsyncView state={topology}>{(x) => <TopologyView topology={x} />}</AsyncView>
            </section>
            <section class="card" aria-labelledby="net-quality">
              <h2 id="net-quality">{t('net.quality')}</h2>
              <AsyncView state={quality}>{(q) => <QualityList items={q.items} />}</AsyncView>
            </section>
          </div>
        </>
      ) : (
        <section aria-labelledby="net-matrix">
          <h2 id="net-matrix">{t('net.latency')}</h2>
          <NotInstalled plugin="resources" />
        </section>
      )}
      <section aria-labelledby="net-host">
        <h2 id="net-host">{t('net.host')}</h2>
        <HostInterfaces />
      </section>
    </div>
  );
}
