import { useState } from 'preact/hooks';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { ScrollRegion } from '../../components/scroll-region.js';
import { AsyncView } from '../../components/status-views.js';
import { useAsync } from '../../components/use-async.js';
import { useLive } from '../../components/use-live.js';
import { formatNumber, formatTime } from '../../i18n/format.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';
import type { ActiveAlert } from './alert-model.js';
import { SilenceDialog } from './silence-dialog.js';

/**
 * Alerts pending or firing now, with who acknowledged them and until when they are silenced;
 * acknowledge (with a reason) and silence (rule or series, for a while) from the row. Re-read
 * on every alert, acknowledgement and silence event.
 */
export function ActiveAlerts() {
  const { api, auth } = useServices();
  const [acking, setAcking] = useState<ActiveAlert | null>(null);
  const [silencing, setSilencing] = useState<ActiveAlert | null>(null);
  const s = useAsync(
    (signal) => api.get<{ items: ActiveAlert[] }>('/metrics/alerts', signal).then((r) => r.items),
    [],
  );
  useLive(['metrics.alert.*', 'metrics.silence.*'], () => s.reload(), s.reload);
  const canWrite = auth.can('metrics:write');
  return (
    <>
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
                    <th scope="col">{t('alerts.status')}</th>
                    {canWrite ? <th scope="col">{t('common.actions')}</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {items.map((a) => (
                    <tr
                      key={a.id ?? `${a.rule}/${a.series}`}
                      data-alert-rule={a.rule}
                      data-alert-state={a.state}
                      data-alert-acked={a.acknowledged ? 'true' : undefined}
                      data-alert-silenced={a.silenced ? 'true' : undefined}
                    >
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
                      <td data-testid="alert-status">
                        {a.acknowledged ? (
                          <div>
                            {t('alerts.ackedBy', {
                              name: a.acknowledged.by.name,
                              reason: a.acknowledged.reason,
                            })}
                          </div>
                        ) : null}
                        {a.silenced ? (
                          <div class="muted">
                            {t('alerts.silencedUntil', { time: formatTime(a.silenced.until) })}
                          </div>
                        ) : null}
                      </td>
                      {canWrite ? (
                        <td>
                          <div class="row">
                            <button
                              type="button"
                              class="btn btn-small"
                              onClick={() => setAcking(a)}
                              aria-label={t('alerts.ackAlert', { rule: a.rule, node: a.node })}
                            >
                              {t('alerts.ack')}
                            </button>
                            <button
                              type="button"
                              class="btn btn-small"
                              onClick={() => setSilencing(a)}
                              aria-label={t('alerts.silenceAlert', { rule: a.rule, node: a.node })}
                            >
                              {t('alerts.silence')}
                            </button>
                          </div>
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollRegion>
          )
        }
      </AsyncView>
      {acking ? (
        <ConfirmDialog
          title={t('alerts.ackAlert', { rule: acking.rule, node: acking.node })}
          confirmLabel={t('alerts.ack')}
          reason
          onConfirm={(reason) =>
            api
              .send('POST', `/metrics/alerts/${encodeURIComponent(acking.id)}/ack`, { reason })
              .then(() => s.reload())
          }
          onClose={() => setAcking(null)}
        />
      ) : null}
      {silencing ? (
        <SilenceDialog
          alert={silencing}
          onClose={() => setSilencing(null)}
          onSaved={() => {
            setSilencing(null);
            s.reload();
          }}
        />
      ) : null}
    </>
  );
}
