import { AsyncView } from '../../components/status-views.js';
import { useAsync } from '../../components/use-async.js';
import { useLive } from '../../components/use-live.js';
import { formatDuration } from '../../i18n/format.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';
import { hrefFor } from '../../state/url-state.js';

interface KernelInfo {
  version: string;
  node: string;
  startedAt: string;
  uptimeSec: number;
  plugins: Array<{ name: string; version: string; status: string }>;
}

/** Kernel version, uptime and plugins by status; re-read when a plugin changes. */
export function KernelCard() {
  const { api } = useServices();
  const k = useAsync((signal) => api.get<KernelInfo>('/kernel', signal), []);
  useLive(['plugins.**'], () => k.reload());
  return (
    <section class="card" aria-labelledby="card-kernel">
      <h2 id="card-kernel">{t('dash.kernel')}</h2>
      <AsyncView state={k}>
        {(d) => {
          const running = d.plugins.filter((p) => p.status === 'running').length;
          const bad = d.plugins.filter((p) => p.status !== 'running' && p.status !== 'disabled');
          return (
            <>
              <dl class="facts">
                <dt>{t('dash.version')}</dt>
                <dd>{d.version}</dd>
                <dt>{t('dash.uptime')}</dt>
                <dd>{formatDuration(Date.now() - Date.parse(d.startedAt))}</dd>
                <dt>{t('dash.plugins')}</dt>
                <dd data-testid="plugins-running">
                  {t('dash.pluginsRunning', { running, total: d.plugins.length })}
                </dd>
              </dl>
              {bad.length > 0 ? (
                <ul class="plain">
                  {bad.map((p) => (
                    <li key={p.name}>
                      <a href={hrefFor({ tab: 'plugins', plugin: p.name })}>{p.name}</a>{' '}
                      <span class={`state state-${p.status}`}>{p.status}</span>
                    </li>
                  ))}
                </ul>
              ) : null}
            </>
          );
        }}
      </AsyncView>
    </section>
  );
}
