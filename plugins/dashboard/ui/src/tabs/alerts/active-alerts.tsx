import { ScrollRegion } from '../../components/scroll-region.js';
import { AsyncView } from '../../components/status-views.js';
import { useAsync } from '../../components/use-async.js';
import { useLive } from '../../components/use-live.js';
import { formatNumber, formatTime } from '../../i18n/format.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';
import type { ActiveAlert } from './alert-model.js';

/** Alerts pending or firing now, re-read on every firing/resolved event. */
export function ActiveAlerts() {
  const { api } = useServices();
  const s = useAsync(
    (signal) => api.get<{ items: ActiveAlert[] }>('/metrics/alerts', signal).then((r) => r.items),
    [],
  );
  useLive(['metrics.alert.*'], () => s.reload(), s.reload);
  return (
    <AsyncView state={s} plugin="metrics">
      {(items) =>
        items.length === 0 ? (
          <p class="muted">{t('alerts.noneActive')}</p>
        ) : (
          <ScrollRegion label={t('alerts.firing')}>
            <table class="table" data-testid="active-alerts">
              <thead>
                <tr>
                  <th scope="col">{t('alerts.state')}</th>
                  <th scope="col">{t('alerts.severity')}</th>
                  <th scope="col">{t('alerts.rule')}</th>
                  <th scope="col">{t('alerts.node')}</th>
                  <th scope="col">{t('alerts.value')}</th>
                  <th scope="col">{t('alerts.sinceCol')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((a) => (
                  <tr key={`${a.rule}/${a.series}`} data-alert-rule={a.rule} data-alert-state={a.state}>
                    <td>
                      <span class={`state state-${a.state}`}>{a.state}</span>
                    </td>
                    <td>
                      <span class={`sev sev-${a.severity}`}>{a.severity}</span>
                    </td>
                    <td>
                      <strong>{a.rule}</strong> <code class="muted">{a.series}</code>
                    </td>
                    <td>{a.node}</td>
                    <td>{formatNumber(a.value)}</td>
                    <td>{formatTime(a.firedAt ?? a.since)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        )
      }
    </AsyncView>
  );
}
