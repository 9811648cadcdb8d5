import './network.css';
import { useRef } from 'preact/hooks';
import { isNotFound } from '../../api/api-error.js';
import { AsyncView, NotInstalled } from '../../components/status-views.js';
import { useAsync } from '../../components/use-async.js';
import { useLive } from '../../components/use-live.js';
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
  const nodes = useAsync(async (signal) => {
    const out: NodeNetwork[] = [];
    let cursor = '';
    do {
      const r = await api.get<{ items: NodeNetwork[]; nextCursor?: string }>(
        `/resources/network?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        signal,
      );
      out.push(...r.items);
      cursor = r.nextCursor ?? '';
    } while (cursor && out.length < 20_000);
    return out;
  }, []);
  const topology = useAsync((signal) => api.get<NetworkTopology>('/resources/network/topology', signal), []);
  const quality = useAsync(
    (signal) => api.get<{ items: NodeQuality[] }>('/resources/network/quality', signal),
    [],
  );
  const last = useRef(0);
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const reloadAll = () => {
    matrix.reload();
    nodes.reload();
    topology.reload();
    quality.reload();
  };
  useLive(
    ['network.**'],
    () => {
      // Coalesce a burst of events into one re-read per LIVE_MIN_MS.
      if (pending.current) return;
      const wait = Math.max(0, last.current + LIVE_MIN_MS - Date.now());
      pending.current = setTimeout(() => {
        pending.current = undefined;
        last.current = Date.now();
        reloadAll();
      }, wait);
    },
    reloadAll,
  );
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
