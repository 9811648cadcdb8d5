import { ScrollRegion } from '../../components/scroll-region.js';
import { formatNumber, formatRatio, formatTime } from '../../i18n/format.js';
import { t } from '../../i18n/t.js';
import { cellOf, heatClass, type LatencyCell, type LatencyMatrix } from './network-model.js';

/** Everything known about one measured link, for the cell's title (hover) and screen readers. */
export function cellDetails(c: LatencyCell, from: string, to: string): string {
  const parts = [`${from} → ${to}: ${c.status}`, c.reason];
  if (c.rttMs)
    parts.push(
      t('net.rttDetail', {
        min: formatNumber(c.rttMs.min),
        p50: formatNumber(c.rttMs.p50),
        p99: formatNumber(c.rttMs.p99),
        max: formatNumber(c.rttMs.max),
      }),
    );
  if (c.jitterMs !== undefined) parts.push(t('net.jitter', { ms: formatNumber(c.jitterMs) }));
  parts.push(t('net.packets', { received: c.received, sent: c.sent }));
  if (c.lastError) parts.push(c.lastError);
  parts.push(t('net.measuredAt', { at: formatTime(c.at) }));
  return parts.join('\n');
}

/**
 * The inter-node latency matrix as a heat table: rows probe, columns are probed (nodes and the
 * kernel); each cell p50 / p99 and loss, coloured by the plugin's judgement, the details on hover.
 */
export function LatencyHeatTable({ matrix }: { matrix: LatencyMatrix }) {
  if (matrix.nodes.length === 0) return <p class="muted">{t('net.noProbes')}</p>;
  const byName = (a: { id: string; name: string }, b: { id: string; name: string }) =>
    a.id === 'kernel' ? 1 : b.id === 'kernel' ? -1 : a.name.localeCompare(b.name);
  const rows = [...matrix.nodes].sort(byName);
  const targets = [...matrix.targets].sort(byName);
  return (
    <>
      <p class="muted">
        {t('net.matrixHelp', {
          window: formatNumber(matrix.windowMs / 1000),
          interval: formatNumber(matrix.intervalMs / 1000),
        })}
      </p>
      <ScrollRegion label={t('net.latency')}>
        <table class="table table-compact heat-table" data-testid="latency-matrix">
          <thead>
            <tr>
              <th scope="col">{t('net.fromTo')}</th>
              {targets.map((x) => (
                <th key={x.id} scope="col">
                  {x.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                <th scope="row">{row.name}</th>
                {targets.map((col) => {
                  if (col.id === row.id)
                    return (
                      <td key={col.id} class="heat heat-self" aria-label={t('net.self')}>
                        —
                      </td>
                    );
                  const c = cellOf(matrix, row.id, col.id);
                  if (!c)
                    return (
                      <td key={col.id} class="heat heat-none" title={t('net.notMeasured')}>
                        <span class="muted">{t('net.notMeasuredShort')}</span>
                      </td>
                    );
                  const details = cellDetails(c, row.name, col.name);
                  return (
                    <td
                      key={col.id}
                      class={heatClass(c.status)}
                      title={details}
                      data-status={c.status}
                      data-from={row.id}
                      data-to={col.id}
                    >
                      {c.rttMs ? (
                        <>
                          <span class="heat-main">
                            {formatNumber(c.rttMs.p50)} / {formatNumber(c.rttMs.p99)} ms
                          </span>
                          <span class="heat-sub">
                            {t('net.loss', { loss: c.loss === undefined ? '–' : formatRatio(c.loss) })}
                          </span>
                        </>
                      ) : (
                        <span class="heat-main">{c.status}</span>
                      )}
                      <span class="visually-hidden"> {c.reason}</span>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
      <ul class="heat-legend" aria-label={t('net.legend')}>
        {(['ok', 'degraded', 'bad', 'stale'] as const).map((s) => (
          <li key={s}>
            <span class={heatClass(s)}>{s}</span>
          </li>
        ))}
      </ul>
    </>
  );
}
