import { useState } from 'preact/hooks';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { ScrollRegion } from '../../components/scroll-region.js';
import { AsyncView } from '../../components/status-views.js';
import { useAsync } from '../../components/use-async.js';
import { useLive } from '../../components/use-live.js';
import { formatDuration } from '../../i18n/format.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';
import { setParams, useParam } from '../../state/url-state.js';
import type { RuleView } from './alert-model.js';
import { RuleEditor } from './rule-editor.js';

/** Alert rules: list with state, create, edit (with the version it replaces), delete with confirmation. */
export function AlertRules() {
  const { api, auth } = useServices();
  const [edit] = useParam('edit');
  const [deleting, setDeleting] = useState<RuleView | null>(null);
  const s = useAsync(
    (signal) => api.get<{ items: RuleView[] }>('/metrics/alerts/rules', signal).then((r) => r.items),
    [],
  );
  useLive(['metrics.alert.*'], () => s.reload(), s.reload);
  const canWrite = auth.can('metrics:write');
  const editing = edit === 'new' ? null : (s.data ?? []).find((r) => r.id === edit);
  return (
    <div class="stack">
      {canWrite ? (
        <p>
          <button type="button" class="btn btn-primary" onClick={() => setParams({ edit: 'new' }, 'push')}>
            {t('alerts.newRule')}
          </button>
        </p>
      ) : null}
      <AsyncView state={s} plugin="metrics">
        {(items) =>
          items.length === 0 ? (
            <p class="muted">{t('alerts.noRules')}</p>
          ) : (
            <ScrollRegion label={t('alerts.rules')}>
              <table class="table" data-testid="rules">
                <thead>
                  <tr>
                    <th scope="col">{t('alerts.rule')}</th>
                    <th scope="col">{t('alerts.condition')}</th>
                    <th scope="col">{t('alerts.for')}</th>
                    <th scope="col">{t('alerts.severity')}</th>
                    <th scope="col">{t('alerts.state')}</th>
                    <th scope="col">
                      <span class="visually-hidden">{t('common.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((r) => (
                    <tr key={r.id} data-rule={r.id}>
                      <td>
                        <strong>{r.id}</strong>
                        {r.spec.summary ? <div class="muted">{r.spec.summary}</div> : null}
                      </td>
                      <td>
                        <code>
                          {r.spec.series} {r.spec.comparator} {r.spec.threshold}
                        </code>
                      </td>
                      <td>{formatDuration(r.spec.forMs)}</td>
                      <td>
                        <span class={`sev sev-${r.spec.severity}`}>{r.spec.severity}</span>
                      </td>
                      <td>
                        <span class={`state state-${r.status.state}`}>{r.status.state}</span>
                      </td>
                      <td>
                        <div class="row">
                          {canWrite ? (
                            <>
                              <button
                                type="button"
                                class="btn btn-small"
                                onClick={() => setParams({ edit: r.id }, 'push')}
                                aria-label={t('alerts.editRule', { id: r.id })}
                              >
                                {t('common.edit')}
                              </button>
                              <button
                                type="button"
                                class="btn btn-small btn-danger"
                                onClick={() => setDeleting(r)}
                                aria-label={t('alerts.deleteRule', { id: r.id })}
                              >
                                {t('common.delete')}
                              </button>
                            </>
                          ) : null}
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollRegion>
          )
        }
      </AsyncView>
      {edit && (edit === 'new' || editing) ? (
        <RuleEditor
          rule={editing ?? null}
          onClose={() => setParams({ edit: null })}
          onSaved={() => {
            setParams({ edit: null });
            s.reload();
          }}
        />
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title={t('alerts.deleteRule', { id: deleting.id })}
          confirmLabel={t('common.delete')}
          danger
          onConfirm={() =>
            api
              .send('DELETE', `/metrics/alerts/rules/${encodeURIComponent(deleting.id)}`)
              .then(() => s.reload())
          }
          onClose={() => setDeleting(null)}
        />
      ) : null}
    </div>
  );
}
