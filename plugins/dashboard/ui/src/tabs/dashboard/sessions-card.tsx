import { StateGroups } from '../../components/state-groups.js';
import { AsyncView } from '../../components/status-views.js';
import { useAsync } from '../../components/use-async.js';
import { useLive } from '../../components/use-live.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';
import { groupByState } from '../nodes/node-model.js';
import { readSession } from '../sessions/session-model.js';

/** Sessions by state with reasons (the sessions plugin), re-read on session events. */
export function SessionsCard() {
  const { api } = useServices();
  const s = useAsync(
    (signal) =>
      api.get<{ items: unknown[] }>('/sessions?limit=500', signal).then((r) => r.items.map(readSession)),
    [],
  );
  useLive(['sessions.**'], () => s.reload(), s.reload);
  return (
    <section class="card" aria-labelledby="card-sessions">
      <h2 id="card-sessions">{t('dash.sessions')}</h2>
      <AsyncView state={s} plugin="sessions">
        {(items) => <StateGroups groups={groupByState(items)} label={t('dash.sessions')} />}
      </AsyncView>
    </section>
  );
}
