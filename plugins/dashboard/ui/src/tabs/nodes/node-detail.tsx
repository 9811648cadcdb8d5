import { useState } from 'preact/hooks';
import { ChartGrid } from '../../charts/chart-grid.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { AsyncView } from '../../components/status-views.js';
import { useAsync } from '../../components/use-async.js';
import { useLive } from '../../components/use-live.js';
import { formatBytes, formatNumber, formatTime } from '../../i18n/format.js';
import { t } from '../../i18n/t.js';
import { PanelSlot } from '../../shell/panels/index.js';
import { useServices } from '../../shell/services.js';
import { hrefFor } from '../../state/url-state.js';
import { PERFORMANCE_CHARTS } from '../performance/performance-tab.js';
import { readSession } from '../sessions/session-model.js';
import { NodeHistory } from './node-history.js';
import { readNode } from './node-model.js';

type NodeAction = 'cordon' | 'drain' | 'uncordon';

/** One node: specs, actions (reason + confirmation), live charts, its sessions, its state history. */
export function NodeDetail({ id, onBack }: { id: string; onBack: () => void }) {
  const { api, auth } = useServices();
  const node = useAsync(
    (signal) => api.get<unknown>(`/nodes/${encodeURIComponent(id)}`, signal).then(readNode),
    [id],
  );
  const sessions = useAsync(
    (signal) =>
      api
        .get<{ items: unknown[] }>(`/sessions?node=${encodeURIComponent(id)}&limit=200`, signal)
        .then((r) => r.items.map(readSession)),
    [id],
  );
  const [action, setAction] = useState<NodeAction | null>(null);
  useLive(['nodes.**'], (e) => {
    const d = e.data as { id?: string; node?: string } | null;
    if (d?.id !== id && d?.node !== id) return;
    node.reload();
  });
  useLive(['sessions.**'], () => sessions.reload());
  const run = (a: NodeAction, reason: string) =>
    api.send('POST', `/nodes/${encodeURIComponent(id)}/${a}`, { reason }).then(() => node.reload());
  return (
    <div class="stack">
      <p>
        <button type="button" class="btn btn-link" onClick={onBack}>
          ← {t('nodes.back')}
        </button>
      </p>
      <AsyncView state={node} plugin="nodes">
        {(n) => (
          <>
            <section class="card" aria-labelledby="node-title">
              <h2 id="node-title">
                {n.name} <span class={`state state-${n.state}`}>{n.state}</span>
              </h2>
              <dl class="facts">
                <dt>{t('nodes.reason')}</dt>
                <dd>{n.reason || '–'}</dd>
                <dt>{t('nodes.since')}</dt>
                <dd>{formatTime(n.since)}</dd>
                <dt>{t('nodes.address')}</dt>
                <dd>{n.address || '–'}</dd>
                <dt>{t('nodes.cpu')}</dt>
                <dd>
                  {n.cpuCapacity === null ? '–' : t('dash.cores', { n: formatNumber(n.cpuCapacity / 1000) })}
                </dd>
                <dt>{t('nodes.memory')}</dt>
                <dd>{formatBytes(n.memoryCapacity)}</dd>
                <dt>{t('nodes.gpus')}</dt>
                <dd>{n.gpuCapacity === null ? t('dash.gpuAbsent') : formatNumber(n.gpuCapacity)}</dd>
                <dt>{t('nodes.heartbeat')}</dt>
                <dd>{formatTime(n.heartbeatAt)}</dd>
                <dt>{t('nodes.labels')}</dt>
                <dd>
                  {Object.entries(n.labels)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(', ') || '–'}
                </dd>
              </dl>
              {auth.can('nodes:write') ? (
                <div class="row">
                  {(['cordon', 'drain', 'uncordon'] as const).map((a) => (
                    <button
                      type="button"
                      key={a}
                      class={a === 'drain' ? 'btn btn-danger' : 'btn'}
                      onClick={() => setAction(a)}
                    >
                      {t(`nodes.action.${a}`)}
                    </button>
                  ))}
                </div>
              ) : null}
            </section>
            <section aria-labelledby="node-charts">
              <h2 id="node-charts">{t('nodes.charts')}</h2>
              <ChartGrid charts={PERFORMANCE_CHARTS.slice(0, 4)} node={n.name} syncKey={`node-${n.id}`} />
            </section>
            <PanelSlot slot="node-page" context={{ id: n.id, name: n.name }} />
          </>
        )}
      </AsyncView>
      <section class="card" aria-labelledby="node-sessions">
        <h2 id="node-sessions">{t('nodes.sessions')}</h2>
        <AsyncView state={sessions} plugin="sessions">
          {(items) =>
            items.length === 0 ? (
              <p class="muted">{t('common.none')}</p>
            ) : (
              <ul class="plain">
                {items.map((s) => (
                  <li key={s.id}>
                    <a href={hrefFor({ tab: 'sessions', session: s.id })}>{s.id}</a>{' '}
                    <span class={`state state-${s.state}`}>{s.state}</span> <code>{s.command}</code>
                  </li>
                ))}
              </ul>
            )
          }
        </AsyncView>
      </section>
      <NodeHistory id={id} />
      {action ? (
        <ConfirmDialog
          title={t(`nodes.confirm.${action}`, { node: node.data?.name ?? id })}
          confirmLabel={t(`nodes.action.${action}`)}
          reason
          danger={action === 'drain'}
          onConfirm={(reason) => run(action, reason)}
          onClose={() => setAction(null)}
        />
      ) : null}
    </div>
  );
}
