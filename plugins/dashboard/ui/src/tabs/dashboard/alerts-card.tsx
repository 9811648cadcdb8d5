import { AsyncView } from '../../components/status-views.js';
import { useAsync } from '../../components/use-async.js';
import { useLive } from '../../components/use-live.js';
import { formatTime } from '../../i18n/format.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';
import { hrefFor } from '../../state/url-state.js';
import type { ActiveAlert } from '../alerts/alert-model.js';

/** Alerts firing now; re-read when an alert fires or resolves. */
export function AlertsCard() {
  const { api } = useServices();
  const s = useAsync(
    (signal) =>
      api
        .get<{ items: ActiveAlert[] }>('/metrics/alerts', signal)
        .then((r) => r.items.filter((a) => a.state === 'firing')),
    [],
  );
  useLive(['metrics.alert.*'], () => s.reload(), s.reload);
  return (
    <section class="card" aria-labelledby="card-alerts">
      <h2 id="card-alerts">
        <a href={hrefFor({ tab: 'alerts' })}>{t('dash.firing')}</a>
      </h2>
      <AsyncView state={s} plugin="metrics">
        {(items) =>
          items.length === 0 ? (
            <p class="muted" data-testid="no-firing">
              {t('alerts.noneFiring')}
            </p>
          ) : (
            <ul class="plain" data-testid="firing-list">
              {items.map((a) => (
                <li key={`${a.rule}/${a.series}`}>
                  <span class={`sev sev-${a.severity}`}>{a.severity}</span> <strong>{a.rule}</strong>{' '}
                  <span class="muted">{a.node}</span>{' '}
                  <span class="muted">{t('alerts.since', { time: formatTime(a.firedAt ?? a.since) })}</span>
                </li>
              ))}
            </ul>
          )
        }
      </AsyncView>
    </section>
  );
}
