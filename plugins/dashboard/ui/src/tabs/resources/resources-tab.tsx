import './resources.css';
import { isNotFound } from '../../api/api-error.js';
import { readAllPages } from '../../api/read-all-pages.js';
import { ErrorNotice, NotInstalled } from '../../components/status-views.js';
import { useAsync } from '../../components/use-async.js';
import { useCoalescedLive } from '../../components/use-coalesced-live.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';
import { setParams, useParam } from '../../state/url-state.js';
import { FleetResourcesView } from './fleet-resources.js';
import { HostResources } from './host-resources.js';
import { NodeResourcesView } from './node-resources.js';
import type { FleetResources } from './resources-model.js';

/** Pages of `GET /resources` the tab reads at most (1,000 nodes a page). */
const MAX_PAGES = 20;
/** Re-reads the fleet on resource and node events at most this often (every read is the whole fleet). */
const LIVE_MIN_MS = 2_000;

/**
 * Resources: the fleet from the resources plugin (one row per node; the selected node, in the
 * URL as `node`, with its NUMA, per-core load, thermal, storage and RAID/pool/SMART detail),
 * and the kernel host's own snapshot. Live from `resources.updated`; absent parts say why.
 */
export function ResourcesTab() {
  const { api } = useServices();
  const [selected] = useParam('node');
  const fleet = useAsync(
    (signal) => readAllPages<FleetResources>(api, '/resources', signal, MAX_PAGES * 1000),
    [],
  );
  useCoalescedLive(['resources.updated', 'resources.problem.*', 'nodes.node.*'], LIVE_MIN_MS, () =>
    fleet.reload(),
  );
  const select = (id: string | null) => setParams({ node: id }, 'push');
  const installed = !(fleet.error !== undefined && isNotFound(fleet.error));
  return (
    <div class="stack">
      {installed ? (
        <search class="filters">
          <label class="field-inline">
            <span>{t('res.node')}</span>
            <select
              value={selected ?? ''}
              data-testid="node-picker"
              onChange={(e) => select(e.currentTarget.value || null)}
            >
              <option value="">{t('res.wholeFleet')}</option>
              {selected && !fleet.data?.items.some((n) => n.id === selected) ? (
                <option value={selected}>{selected}</option>
              ) : null}
              {(fleet.data?.items ?? []).map((n) => (
                <option key={n.id} value={n.id}>
                  {n.name}
                </option>
              ))}
            </select>
          </label>
          {selected ? (
            <button type="button" class="btn btn-small" onClick={() => select(null)}>
              {t('res.backToFleet')}
            </button>
          ) : null}
        </search>
      ) : null}
      {selected && installed ? (
        <NodeResourcesView id={selected} />
      ) : (
        <>
          <section aria-labelledby="res-fleet">
            <h2 id="res-fleet">{t('res.fleet')}</h2>
            {!installed ? (
              <NotInstalled plugin="resources" />
            ) : fleet.error !== undefined && !fleet.data ? (
              <ErrorNotice error={fleet.error} />
            ) : fleet.data ? (
              <FleetResourcesView fleet={fleet.data} onSelect={(id) => select(id)} />
            ) : (
              <p class="muted" aria-busy="true">
                {t('common.loading')}
              </p>
            )}
          </section>
          <section aria-labelledby="res-host">
            <h2 id="res-host">{t('res.host')}</h2>
            <HostResources />
          </section>
        </>
      )}
    </div>
  );
}
