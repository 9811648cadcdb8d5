import { StateGroups } from '../../components/state-groups.js';
import { AsyncView } from '../../components/status-views.js';
import { useAsync } from '../../components/use-async.js';
import { useLive } from '../../components/use-live.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';
import { groupByState, readNode } from '../nodes/node-model.js';

/** Nodes by state with reasons (the nodes plugin), re-read on node events. */
export function NodesCard() {
  const { api } = useServices();
  const s = useAsync(
    (signal) => api.get<{ items: unknown[] }>('/nodes?limit=1000', signal).then((r) => r.items.map(readNode)),
    [],
  );
  useLive(['nodes.**'], () => s.reload(), s.reload);
  return (
    <section class="card" aria-labelledby="card-nodes">
      <h2 id="card-nodes">{t('dash.nodes')}</h2>
      <AsyncView state={s} plugin="nodes">
        {(nodes) => <StateGroups groups={groupByState(nodes)} label={t('dash.nodes')} />}
      </AsyncView>
    </section>
  );
}
