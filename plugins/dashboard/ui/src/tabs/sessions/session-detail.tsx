import { useState } from 'preact/hooks';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { AsyncView } from '../../components/status-views.js';
import { useAsync } from '../../components/use-async.js';
import { useLive } from '../../components/use-live.js';
import { formatBytes, formatNumber, formatTime } from '../../i18n/format.js';
import { t } from '../../i18n/t.js';
import { PanelSlot } from '../../shell/panels/index.js';
import { useServices } from '../../shell/services.js';
import { SessionLogs } from './session-logs.js';
import { ACTIONS_BY_STATE, readSession } from './session-model.js';

type Action = 'pause' | 'resume' | 'terminate';

/**
 * One session: spec and status (live), pause / resume / terminate with confirmation, the
 * plugins' `session-page` panels (context `{ id }`), logs.
 */
export function SessionDetail({ id, onBack }: { id: string; onBack: () => void }) {
  const { api, auth } = useServices();
  const s = useAsync(
    (signal) => api.get<unknown>(`/sessions/${encodeURIComponent(id)}`, signal).then(readSession),
    [id],
  );
  const [action, setAction] = useState<Action | null>(null);
  useLive(['sessions.**'], (e) => {
    const d = e.data as { id?: string; session?: string } | null;
    if (d?.id === id || d?.session === id) s.reload();
  });
  return (
    <div class="stack">
      <p>
        <button type="button" class="btn btn-link" onClick={onBack}>
          ← {t('sessions.back')}
        </button>
      </p>
      <AsyncView state={s} plugin="sessions">
        {(x) => (
          <section class="card" aria-labelledby="session-title">
            <h2 id="session-title">
              {x.id}{' '}
              <span class={`state state-${x.state}`} data-session-state={x.state}>
                {x.state}
              </span>
            </h2>
            <dl class="facts">
              <dt>{t('sessions.reason')}</dt>
              <dd>{x.reason || '–'}</dd>
              <dt>{t('sessions.since')}</dt>
              <dd>{formatTime(x.since)}</dd>
              <dt>{t('sessions.command')}</dt>
              <dd>
                <code>{x.command}</code>
              </dd>
              <dt>{t('sessions.node')}</dt>
              <dd>{x.node || '–'}</dd>
              <dt>{t('sessions.resources')}</dt>
              <dd>
                {x.cpuMillis === null ? '' : `${formatNumber(x.cpuMillis / 1000)} CPU `}
                {formatBytes(x.memoryBytes)}
              </dd>
            </dl>
            {auth.can('sessions:write') ? (
              <div class="row">
                {(ACTIONS_BY_STATE[x.state] ?? []).map((a) => (
                  <button
                    type="button"
                    key={a}
                    class={a === 'terminate' ? 'btn btn-danger' : 'btn'}
                    onClick={() => setAction(a)}
                  >
                    {t(`sessions.action.${a}`)}
                  </button>
                ))}
              </div>
            ) : null}
          </section>
        )}
      </AsyncView>
      {s.data ? <PanelSlot slot="session-page" context={{ id }} /> : null}
      <SessionLogs id={id} />
      {action ? (
        <ConfirmDialog
          title={t('sessions.confirm', { action: t(`sessions.action.${action}`), id })}
          confirmLabel={t(`sessions.action.${action}`)}
          danger={action === 'terminate'}
          reason={action === 'terminate'}
          onConfirm={(reason) =>
            api
              .send('POST', `/sessions/${encodeURIComponent(id)}/${action}`, reason ? { reason } : {})
              .then(() => s.reload())
          }
          onClose={() => setAction(null)}
        />
      ) : null}
    </div>
  );
}
