import { useState } from 'preact/hooks';
import { ParamInput } from '../../components/param-input.js';
import { ScrollRegion } from '../../components/scroll-region.js';
import { AsyncView } from '../../components/status-views.js';
import { useAsync } from '../../components/use-async.js';
import { useLive } from '../../components/use-live.js';
import { formatBytes, formatNumber, formatTime } from '../../i18n/format.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';
import { setParams, useParam } from '../../state/url-state.js';
import { BulkBar } from './bulk-bar.js';
import { SessionDetail } from './session-detail.js';
import { readSession } from './session-model.js';
import { StartSessionForm } from './start-session-form.js';

const STATES = ['', 'pending', 'running', 'paused', 'succeeded', 'failed', 'terminated'];

/** Sessions (the sessions plugin): server-side filters in the URL, start, bulk actions, one session's page. */
export function SessionsTab() {
  const { api, auth } = useServices();
  const [state, setState] = useParam('state');
  const [node] = useParam('snode');
  const [user] = useParam('user');
  const [selected] = useParam('session');
  const [starting, setStarting] = useParam('start');
  const [checked, setChecked] = useState<Set<string>>(new Set());
  const q = new URLSearchParams({ limit: '500' });
  if (state) q.set('state', state);
  if (node) q.set('node', node);
  if (user) q.set('owner', user); // the route's filter is an owner's user id
  const s = useAsync(
    (signal) => api.get<{ items: unknown[] }>(`/sessions?${q}`, signal).then((r) => r.items.map(readSession)),
    [q.toString()],
  );
  useLive(['sessions.**'], () => s.reload(), s.reload);
  if (selected) return <SessionDetail id={selected} onBack={() => setParams({ session: null }, 'push')} />;
  const toggle = (id: string) => {
    const next = new Set(checked);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setChecked(next);
  };
  return (
    <AsyncView state={s} plugin="sessions">
      {(items) => (
        <div class="stack">
          <search class="filters">
            <label class="field-inline">
              <span>{t('sessions.state')}</span>
              <select value={state} onChange={(e) => setState(e.currentTarget.value)}>
                {STATES.map((x) => (
                  <option key={x} value={x}>
                    {x || t('common.any')}
                  </option>
                ))}
              </select>
            </label>
            <ParamInput param="snode" label={t('sessions.node')} />
            <ParamInput param="user" label={t('sessions.user')} />
            {auth.can('sessions:write') ? (
              <button type="button" class="btn btn-primary" onClick={() => setStarting('1')}>
                {t('sessions.start')}
              </button>
            ) : null}
          </search>
          {checked.size > 0 ? <BulkBar ids={[...checked]} onDone={() => setChecked(new Set())} /> : null}
          <ScrollRegion label={t('tab.sessions')}>
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">
                    <span class="visually-hidden">{t('sessions.select')}</span>
                  </th>
                  <th scope="col">{t('sessions.id')}</th>
                  <th scope="col">{t('sessions.state')}</th>
                  <th scope="col">{t('sessions.command')}</th>
                  <th scope="col">{t('sessions.node')}</th>
                  <th scope="col">{t('sessions.resources')}</th>
                  <th scope="col">{t('sessions.since')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((x) => (
                  <tr key={x.id}>
                    <td>
                      <input
                        type="checkbox"
                        checked={checked.has(x.id)}
                        onChange={() => toggle(x.id)}
                        aria-label={t('sessions.selectOne', { id: x.id })}
                      />
                    </td>
                    <td>
                      <a
                        href={`?tab=sessions&session=${encodeURIComponent(x.id)}`}
                        onClick={(e) => {
                          e.preventDefault();
                          setParams({ session: x.id }, 'push');
                        }}
                      >
                        {x.id}
                      </a>
                    </td>
                    <td>
                      <span class={`state state-${x.state}`}>{x.state}</span>{' '}
                      <span class="muted">{x.reason}</span>
                    </td>
                    <td>
                      <code>{x.command}</code>
                    </td>
                    <td>{x.node || '–'}</td>
                    <td>
                      {x.cpuMillis === null ? '' : `${formatNumber(x.cpuMillis / 1000)} CPU `}
                      {x.memoryBytes === null ? '' : formatBytes(x.memoryBytes)}
                      {x.gpus ? ` ${x.gpus} GPU` : ''}
                    </td>
                    <td>{formatTime(x.since)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
          {starting ? (
            <StartSessionForm
              onClose={() => setStarting(null)}
              onStarted={(id) => setParams({ start: null, session: id }, 'push')}
            />
          ) : null}
        </div>
      )}
    </AsyncView>
  );
}
