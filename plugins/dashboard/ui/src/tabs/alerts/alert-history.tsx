import { ScrollRegion } from '../../components/scroll-region.js';
import { AsyncView } from '../../components/status-views.js';
import { useAsync } from '../../components/use-async.js';
import { useLive } from '../../components/use-live.js';
import { formatNumber, formatTime } from '../../i18n/format.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';
import { useParam } from '../../state/url-state.js';
import type { AlertEvent } from './alert-model.js';

/** Firing and resolved transitions, newest first; a state filter in the URL; live. */
export function AlertHistory() {
  const { api } = useServices();
  const [state, setState] = useParam('astate');
  const s = useAsync(
    (signal) =>
      api.get<{ items: AlertEvent[] }>('/metrics/alerts/history?limit=500', signal).then((r) => r.items),
    [],
  );
  useLive(
    ['metrics.alert.*'],
    (e) => s.mutate((old) => [e.data as AlertEvent, ...(old ?? [])].slice(0, 500)),
    s.reload,
  );
  return (
    <div class="stack">
      <label class="field-inline">
        <span>{t('alerts.state')}</span>
        <select value={state} onChange={(e) => setState(e.currentTarget.value)}>
          <option value="">{t('common.any')}</option>
          <option value="firing">firing</option>
          <option value="resolved">resolved</option>
        </select>
      </label>
      <AsyncView state={s} plugin="metrics">
        {(items) => {
          const shown = state ? items.filter((a) => a.state === state) : items;
          return shown.length === 0 ? (
            <p class="muted">{t('common.none')}</p>
          ) : (
            <ScrollRegion label={t('alerts.history')}>
              <table class="table" data-testid="alert-history">
                <thead>
                  <tr>
                    <th scope="col">{t('alerts.time')}</th>
                    <th scope="col">{t('alerts.state')}</th>
                    <th scope="col">{t('alerts.rule')}</th>
                    <th scope="col">{t('alerts.node')}</th>
                    <th scope="col">{t('alerts.condition')}</th>
                    <th scope="col">{t('alerts.value')}</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((a, i) => (
                    <tr key={a.id ?? `${a.at}-${i}`}>
                      <td>{formatTime(a.at)}</td>
                      <td>
                        <span class={`state state-${a.state}`}>{a.state}</span>
                      </td>
                      <td>{a.rule}</td>
                      <td>{a.node}</td>
                      <td>
                        <code>
                          {a.comparator} {a.threshold}
                        </code>
                      </td>
                      <td>{formatNumber(a.value)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollRegion>
          );
        }}
      </AsyncView>
    </div>
  );
}
