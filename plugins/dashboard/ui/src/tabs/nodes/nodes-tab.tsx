import { useMemo } from 'preact/hooks';
import { type Page, readAllPages } from '../../api/read-all-pages.js';
import { AsyncView } from '../../components/status-views.js';
import { useAsync } from '../../components/use-async.js';
import { useCoalescedLive } from '../../components/use-coalesced-live.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';
import { setParams, useParam } from '../../state/url-state.js';
import { NodeDetail } from './node-detail.js';
import { filterNodes, NodeList } from './node-list.js';
import { readNode } from './node-model.js';

/** Re-reads the fleet on node events at most this often (every read is the whole fleet). */
const LIVE_MIN_MS = 2_000;

const STATES = ['', 'ready', 'cordoned', 'draining', 'down', 'unreachable'];

/** The fleet (from the nodes plugin): filters and selection in the URL, live from node events. */
export function NodesTab() {
  const { api } = useServices();
  const [state, setState] = useParam('state');
  const [q, setQ] = useParam('q');
  const [selected] = useParam('node');
  const s = useAsync(
    (signal) => readAllPages<Page<unknown>>(api, '/nodes', signal).then((r) => r.items.map(readNode)),
    [],
  );
  // `nodes.**` includes the `nodes.load` batches (every period, several at scale): one re-read per LIVE_MIN_MS.
  useCoalescedLive(['nodes.**'], LIVE_MIN_MS, () => s.reload());
  const shown = useMemo(() => filterNodes(s.data ?? [], state, q), [s.data, state, q]);
  if (selected) return <NodeDetail id={selected} onBack={() => setParams({ node: null }, 'push')} />;
  return (
    <AsyncView state={s} plugin="nodes">
      {(nodes) => (
        <div class="stack">
          <search class="filters">
            <label class="field-inline">
              <span>{t('nodes.filterState')}</span>
              <select value={state} onChange={(e) => setState(e.currentTarget.value)}>
                {STATES.map((x) => (
                  <option key={x} value={x}>
                    {x || t('common.any')}
                  </option>
                ))}
              </select>
            </label>
            <label class="field-inline">
              <span>{t('common.search')}</span>
              <input type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
            </label>
            <span class="muted" role="status">
              {t('nodes.count', { shown: shown.length, total: nodes.length })}
            </span>
          </search>
          <NodeList nodes={shown} selected={selected} onSelect={(n) => setParams({ node: n.id }, 'push')} />
        </div>
      )}
    </AsyncView>
  );
}
