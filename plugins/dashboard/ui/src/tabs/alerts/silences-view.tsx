import { useState } from 'preact/hooks';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { ScrollRegion } from '../../components/scroll-region.js';
import { AsyncView } from '../../components/status-views.js';
import { useAsync } from '../../components/use-async.js';
import { useLive } from '../../components/use-live.js';
import { formatTime } from '../../i18n/format.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';
import { useParam } from '../../state/url-state.js';
import type { SilenceView } from './alert-model.js';

/** What a silence matches, in words: `rule=hot, node=n1`. */
function matches(s: SilenceView): string {
  const parts = s.spec.rule ? [`rule=${s.spec.rule}`] : [];
  for (const [k, v] of Object.entries(s.spec.labels ?? {})) parts.push(`${k}=${v}`);
  return parts.join(', ');
}

/** Silences, active or expired (state filter in the URL), live; expire an active one early. */
export function SilencesView() {
  const { api, auth } = useServices();
  const [state, setState] = useParam('sstate', 'active');
  const [expiring, setExpiring] = useState<SilenceView | null>(null);
  const st = state === 'expired' ? 'expired' : 'active';
  const s = useAsync(
    (signal) =>
      api.get<{ items: SilenceView[] }>(`/metrics/alerts/silences?state=${st}`, signal).then((r) => r.items),
    [st],
  );
  useLive(['metrics.silence.*'], () => s.reload(), s.reload);
  const canWrite = auth.can('metrics:write');
  return (
    <div class="stack">
      <label class="field-inline">
        <span>{t('alerts.silenceState')}</span>
        <select value={st} onChange={(e) => setState(e.currentTarget.value)}>
          <option value="active">{t('alerts.silenceActive')}</option>
          <option value="expired">{t('alerts.silenceExpired')}</option>
        </select>
      </label>
      <AsyncView state={s} plugin="metrics">
        {(items) =>
          items.length === 0 ? (
            <p class="muted">{t('alerts.noSilences')}</p>
          ) : (
            <ScrollRegion label={t('alerts.silences')}>
              <table class="table" data-testid="silences">
                <thead>
                  <tr>
                    <th scope="col">{t('alerts.matches')}</th>
                    <th scope="col">{t('alerts.reason')}</th>
                    <th scope="col">{t('alerts.createdBy')}</th>
                    <th scope="col">{t('alerts.sinceCol')}</th>
                    <th scope="col">{t('alerts.ends')}</th>
                    <th scope="col">{t('alerts.state')}</th>
                    {canWrite && st === 'active' ? <th scope="col">{t('common.actions')}</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {items.map((x) => (
                    <tr key={x.id} data-silence={x.id} data-silence-state={x.status.state}>
                      <td>
                        <code>{matches(x)}</code>
                      </td>
                      <td>{x.spec.reason}</td>
                      <td>{x.createdBy.name}</td>
                      <td>{formatTime(x.spec.startsAt)}</td>
                      <td>{formatTime(x.spec.endsAt)}</td>
                      <td>
                        <span class={`state state-${x.status.state}`}>{x.status.state}</span>
                      </td>
                      {canWrite && st === 'active' ? (
                        <td>
                          <button
                            type="button"
                            class="btn btn-small btn-danger"
                            onClick={() => setExpiring(x)}
                            aria-label={t('alerts.expireSilence', { id: x.id })}
                          >
                            {t('alerts.expire')}
                          </button>
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
      {expiring ? (
        <ConfirmDialog
          title={t('alerts.expireSilence', { id: expiring.id })}
          confirmLabel={t('alerts.expireNow')}
          danger
          onConfirm={() =>
            api
              .send(
                'DELETE',
                `/metrics/alerts/silences/${encodeURIComponent(expiring.id)}?version=${expiring.version}`,
              )
              .then(() => s.reload())
          }
          onClose={() => setExpiring(null)}
        >
          <p>{t('alerts.expireText')}</p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
