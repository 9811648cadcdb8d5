import { AsyncView, ErrorNotice } from '../../components/status-views.js';
import { useAsync } from '../../components/use-async.js';
import { useLive } from '../../components/use-live.js';
import { formatTime } from '../../i18n/format.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';
import { HealthView } from './health-view.js';
import { NumaView } from './numa-view.js';
import type { NodeDetailAnswer, NodeResources, Problem } from './resources-model.js';
import { StorageView } from './storage-view.js';
import { ThermalView } from './thermal-view.js';

/** A node's problems, most severe first, each with its sentence and since when. */
export function ProblemList({ problems }: { problems: Problem[] }) {
  if (problems.length === 0) return <p class="muted">{t('res.noProblems')}</p>;
  const rank = { critical: 0, warning: 1, info: 2 } as const;
  const sorted = [...problems].sort((a, b) => (rank[a.severity] ?? 3) - (rank[b.severity] ?? 3));
  return (
    <ul class="plain" data-testid="problems">
      {sorted.map((p) => (
        <li key={`${p.kind}/${p.subject}`}>
          <span class={`sev sev-${p.severity}`}>{p.severity}</span> {p.message}{' '}
          <span class="muted">{t('res.since', { at: formatTime(p.since) })}</span>
        </li>
      ))}
    </ul>
  );
}

/**
 * One node's resources: its summary (live: re-read on `resources.updated` naming it) and its
 * full detail read from the agent on demand (NUMA distances, per-core load, every sensor,
 * iostat figures, filesystems, md/btrfs/ZFS/SMART). A node that cannot answer shows its
 * summary and the plugin's reason.
 */
export function NodeResourcesView({ id }: { id: string }) {
  const { api } = useServices();
  const enc = encodeURIComponent(id);
  const node = useAsync((signal) => api.get<NodeResources>(`/resources/nodes/${enc}`, signal), [id]);
  const detail = useAsync(
    (signal) => api.get<NodeDetailAnswer>(`/resources/nodes/${enc}/detail`, signal),
    [id],
  );
  useLive(
    ['resources.updated', 'resources.problem.*'],
    (e) => {
      const d = e.data as { nodes?: unknown; node?: unknown } | undefined;
      const names = Array.isArray(d?.nodes) ? d.nodes : [d?.node];
      if (names.includes(id) || names.includes(node.data?.id)) node.reload();
    },
    node.reload,
  );
  return (
    <AsyncView state={node} plugin="resources">
      {(n) => {
        const summary = 'v' in n.summary ? n.summary : undefined;
        const det = detail.data?.detail;
        return (
          <div class="stack" data-node={n.id}>
            <div class="row-between">
              <h2>
                {t('res.nodeTitle', { name: n.name })} <span class={`state state-${n.state}`}>{n.state}</span>
              </h2>
              <div class="row">
                <span class="muted" role="status">
                  {detail.data
                    ? t('res.detailAt', { at: formatTime(detail.data.at) })
                    : detail.loading
                      ? t('res.detailLoading')
                      : ''}
                </span>
                <button
                  type="button"
                  class="btn btn-small"
                  onClick={() => detail.reload()}
                  disabled={detail.loading}
                >
                  {t('res.refreshDetail')}
                </button>
              </div>
            </div>
            {summary ? (
              <p class="muted">{t('res.reportedAt', { at: formatTime(n.reportedAt ?? summary.at) })}</p>
            ) : (
              <p class="muted" data-absent="true">
                {'reason' in n.summary ? n.summary.reason : ''}
              </p>
            )}
            {detail.data?.stale ? (
              <p class="notice notice-muted" role="status">
                {t('res.detailStale', { reason: detail.data.stale.reason })}
              </p>
            ) : null}
            {detail.error !== undefined && !detail.data ? <ErrorNotice error={detail.error} /> : null}
            {summary?.failed && Object.keys(summary.failed).length > 0 ? (
              <p class="muted">
                {t('res.failedSources', {
                  list: Object.entries(summary.failed)
                    .map(([k, v]) => `${k}: ${v}`)
                    .join('; '),
                })}
              </p>
            ) : null}
            <section aria-labelledby="rn-problems">
              <h3 id="rn-problems">{t('res.problems')}</h3>
              <ProblemList problems={n.problems} />
            </section>
            <div class="cards res-grid">
              <NumaView summary={summary} detail={det} />
              <ThermalView summary={summary} detail={det} />
              <StorageView summary={summary} detail={det} />
              <HealthView summary={summary} detail={det} />
            </div>
          </div>
        );
      }}
    </AsyncView>
  );
}
