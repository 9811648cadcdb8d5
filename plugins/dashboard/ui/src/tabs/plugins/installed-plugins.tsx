import { useState } from 'preact/hooks';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { ScrollRegion } from '../../components/scroll-region.js';
import { AsyncView } from '../../components/status-views.js';
import { useAsync } from '../../components/use-async.js';
import { useLive } from '../../components/use-live.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';
import { setParams, useParam } from '../../state/url-state.js';
import { type ChangeRequest, PlanDialog } from './plan-dialog.js';
import { type PluginInfo, reasonText } from './plugin-model.js';

type Verb = 'enable' | 'disable' | 'reload';

/** Installed plugins: status with reasons; the selected one (in the URL) with its permissions and actions. */
export function InstalledPlugins() {
  const { api, auth } = useServices();
  const [selected] = useParam('plugin');
  const s = useAsync(
    (signal) => api.get<{ items: PluginInfo[] }>('/plugins', signal).then((r) => r.items),
    [],
  );
  useLive(['plugins.**', 'marketplace.**'], () => s.reload(), s.reload);
  const [verb, setVerb] = useState<{ verb: Verb; name: string } | null>(null);
  const [change, setChange] = useState<ChangeRequest | null>(null);
  const admin = auth.can('plugins:admin');
  return (
    <AsyncView state={s}>
      {(items) => {
        const p = items.find((x) => x.name === selected);
        return (
          <div class="split">
            <ScrollRegion label={t('plugins.installed')}>
              <table class="table" data-testid="plugins">
                <thead>
                  <tr>
                    <th scope="col">{t('plugins.name')}</th>
                    <th scope="col">{t('plugins.version')}</th>
                    <th scope="col">{t('plugins.status')}</th>
                    <th scope="col">{t('plugins.reasons')}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((x) => (
                    <tr
                      key={x.name}
                      data-plugin={x.name}
                      data-selected={x.name === selected ? 'true' : undefined}
                    >
                      <td>
                        <a
                          href={`?tab=plugins&plugin=${x.name}`}
                          onClick={(e) => {
                            e.preventDefault();
                            setParams({ plugin: x.name }, 'push');
                          }}
                        >
                          {x.name}
                        </a>
                      </td>
                      <td>{x.version}</td>
                      <td>
                        <span class={`state state-${x.status}`} data-status={x.status}>
                          {x.status}
                        </span>
                      </td>
                      <td class="muted">{x.reasons.map(reasonText).join('; ')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollRegion>
            {p ? (
              <section class="card" aria-labelledby="plugin-title" data-testid="plugin-detail">
                <h2 id="plugin-title">
                  {p.name} <span class="muted">{p.version}</span>
                </h2>
                {p.description ? <p>{p.description}</p> : null}
                {admin ? (
                  <div class="row">
                    {p.enabled ? (
                      <button
                        type="button"
                        class="btn"
                        onClick={() => setVerb({ verb: 'disable', name: p.name })}
                      >
                        {t('plugins.disable')}
                      </button>
                    ) : (
                      <button
                        type="button"
                        class="btn"
                        onClick={() => setVerb({ verb: 'enable', name: p.name })}
                      >
                        {t('plugins.enable')}
                      </button>
                    )}
                    <button
                      type="button"
                      class="btn"
                      onClick={() => setVerb({ verb: 'reload', name: p.name })}
                    >
                      {t('plugins.reload')}
                    </button>
                    <button
                      type="button"
                      class="btn"
                      onClick={() => setChange({ op: 'upgrade', name: p.name })}
                    >
                      {t('plugins.upgrade')}
                    </button>
                    <button
                      type="button"
                      class="btn"
                      onClick={() => setChange({ op: 'rollback', name: p.name })}
                    >
                      {t('plugins.rollback')}
                    </button>
                  </div>
                ) : null}
                <h3>{t('plugins.permissions')}</h3>
                <ul class="perm-list">
                  {p.permissions.declared.map((x) => (
                    <li key={x}>
                      <code>{x}</code>{' '}
                      {p.permissions.granted.includes(x) ? (
                        <span class="outcome outcome-success">{t('plugins.granted')}</span>
                      ) : p.permissions.denied.includes(x) ? (
                        <span class="outcome outcome-denied">{t('plugins.denied')}</span>
                      ) : (
                        <span class="outcome outcome-failure">{t('plugins.notGranted')}</span>
                      )}
                    </li>
                  ))}
                  {p.permissions.declared.length === 0 ? (
                    <li class="muted">{t('plugins.noPermissions')}</li>
                  ) : null}
                </ul>
                {(p.panels?.length ?? 0) > 0 ? (
                  <>
                    <h3>{t('plugins.panels')}</h3>
                    <ul class="perm-list" data-testid="plugin-panels">
                      {p.panels?.map((x) => (
                        <li key={x.id} data-panel-grant={x.id}>
                          <strong>{x.title}</strong> <code>{x.slot}</code>{' '}
                          <span class={x.granted ? 'outcome outcome-success' : 'outcome outcome-denied'}>
                            {x.granted ? t('plugins.panelGranted') : t('plugins.panelRevoked')}
                          </span>
                          <div class="muted">
                            {[...x.topics, ...x.reads, ...x.actions].map((c) => (
                              <code key={c}>{c} </code>
                            ))}
                          </div>
                          {admin ? (
                            <button
                              type="button"
                              class="btn btn-ghost"
                              onClick={() => {
                                const granted = (p.panels ?? []).filter((y) => y.granted).map((y) => y.id);
                                const panels = x.granted
                                  ? granted.filter((id) => id !== x.id)
                                  : [...granted, x.id];
                                void api.send('PUT', `/plugins/${p.name}/panels`, { panels }).then(s.reload);
                              }}
                            >
                              {x.granted ? t('plugins.revokePanel') : t('plugins.grantPanel')}
                            </button>
                          ) : null}
                        </li>
                      ))}
                    </ul>
                  </>
                ) : null}
                {p.routes.length > 0 ? (
                  <>
                    <h3>{t('plugins.routes')}</h3>
                    <ul class="plain">
                      {p.routes.map((r) => (
                        <li key={`${r.method} ${r.path}`}>
                          <code>
                            {r.method} {r.path}
                          </code>{' '}
                          <span class="muted">{r.permission}</span>
                        </li>
                      ))}
                    </ul>
                  </>
                ) : null}
              </section>
            ) : null}
            {verb ? (
              <ConfirmDialog
                title={t(`plugins.confirm.${verb.verb}`, { name: verb.name })}
                confirmLabel={t(`plugins.${verb.verb}`)}
                danger={verb.verb === 'disable'}
                onConfirm={() => api.send('POST', `/plugins/${verb.name}/${verb.verb}`).then(s.reload)}
                onClose={() => setVerb(null)}
              />
            ) : null}
            {change ? (
              <PlanDialog
                request={change}
                onClose={() => setChange(null)}
                onDone={() => {
                  setChange(null);
                  s.reload();
                }}
              />
            ) : null}
          </div>
        );
      }}
    </AsyncView>
  );
}
