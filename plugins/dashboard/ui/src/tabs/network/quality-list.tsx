import { formatNumber, formatRatio } from '../../i18n/format.js';
import { t } from '../../i18n/t.js';
import type { NodeQuality, QualityGrade } from './network-model.js';

const GRADE_CLASS: Record<QualityGrade, string> = {
  good: 'sev sev-info',
  degraded: 'sev sev-warning',
  bad: 'sev sev-critical',
  unreachable: 'sev sev-critical',
  unknown: 'sev',
};

/** Link quality per node: the plugin's grade, score and sentence, peers reachable, RTT to the kernel. */
export function QualityList({ items }: { items: NodeQuality[] }) {
  if (items.length === 0) return <p class="muted">{t('res.noNodes')}</p>;
  const rank: Record<QualityGrade, number> = { unreachable: 0, bad: 1, degraded: 2, unknown: 3, good: 4 };
  const sorted = [...items].sort((a, b) => rank[a.grade] - rank[b.grade] || a.name.localeCompare(b.name));
  return (
    <ul class="plain quality-list" data-testid="link-quality">
      {sorted.map((q) => (
        <li key={q.node} data-node={q.node} data-grade={q.grade}>
          <strong>{q.name}</strong> <span class={GRADE_CLASS[q.grade] ?? 'sev'}>{q.grade}</span>
          {q.score !== undefined ? (
            <span class="muted"> {t('net.score', { score: formatRatio(q.score) })}</span>
          ) : null}
          <span> — {q.reason}</span>
          <span class="muted">
            {' '}
            {t('net.peers', { reachable: q.peers.reachable, measured: q.peers.measured })}
            {q.peers.medianRttMs !== undefined
              ? `, ${t('net.medianRtt', { ms: formatNumber(q.peers.medianRttMs) })}`
              : ''}
            {q.kernel?.rttMs ? `, ${t('net.kernelRtt', { ms: formatNumber(q.kernel.rttMs.p50) })}` : ''}
          </span>
        </li>
      ))}
    </ul>
  );
}
