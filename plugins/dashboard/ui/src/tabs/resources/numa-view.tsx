import { AbsentNote } from '../../components/absent-note.js';
import { ScrollRegion } from '../../components/scroll-region.js';
import { formatBytes, formatRatio } from '../../i18n/format.js';
import { t } from '../../i18n/t.js';
import { cpuList } from './cpu-list.js';
import { absentReason, isPresent, type ResourceDetail, type ResourceSummary } from './resources-model.js';

/** A node's NUMA topology (nodes, their CPUs and memory, distances as a matrix) and per-core load. */
export function NumaView({
  summary,
  detail,
}: {
  summary: ResourceSummary | undefined;
  detail: ResourceDetail | undefined;
}) {
  const topo = detail?.numa?.topology;
  const cores = detail?.numa?.cpu;
  const fromSummary = summary && isPresent(summary.numa) ? summary.numa.nodes : undefined;
  return (
    <section class="card" aria-labelledby="rn-numa" data-section="numa">
      <h3 id="rn-numa">{t('res.numa')}</h3>
      {isPresent(topo) ? (
        <div class="split-wrap">
          <ScrollRegion label={t('res.numa')}>
            <table class="table table-compact" data-testid="numa-nodes">
              <thead>
                <tr>
                  <th scope="col">{t('res.numaNodeCol')}</th>
                  <th scope="col">{t('res.cpus')}</th>
                  <th scope="col">{t('res.memTotal')}</th>
                  <th scope="col">{t('res.used')}</th>
                  <th scope="col">{t('res.busy')}</th>
                </tr>
              </thead>
              <tbody>
                {topo.nodes.map((n) => (
                  <tr key={n.node}>
                    <th scope="row">{n.node}</th>
                    <td>{cpuList(n.cpus)}</td>
                    <td>{n.memory?.totalBytes === undefined ? '–' : formatBytes(n.memory.totalBytes)}</td>
                    <td>{n.memory?.usedBytes === undefined ? '–' : formatBytes(n.memory.usedBytes)}</td>
                    <td>
                      {n.busy === undefined ? '–' : formatRatio(n.busy)}
                      {n.busyMax === undefined ? null : (
                        <span class="muted"> {t('res.peak', { value: formatRatio(n.busyMax) })}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
          <DistanceMatrix nodes={topo.nodes.map((n) => n.node)} distances={topo.distances} />
        </div>
      ) : fromSummary ? (
        <>
          <p class="muted">
            {t('res.numaSummaryOnly', { reason: absentReason(topo, t('res.detailPending')) })}
          </p>
          <ul class="plain">
            {fromSummary.map((n) => (
              <li key={n.node}>
                {t('res.numaNodeSummary', {
                  node: n.node,
                  cpus: n.cpus,
                  memory: n.memTotalBytes === undefined ? '–' : formatBytes(n.memTotalBytes),
                  busy: n.busy === undefined ? '–' : formatRatio(n.busy),
                })}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <AbsentNote reason={absentReason(topo ?? summary?.numa, t('res.detailPending'))} />
      )}
      <h4>{t('res.perCore')}</h4>
      {isPresent(cores) ? (
        <ul class="core-bars" aria-label={t('res.perCore')} data-testid="core-load">
          {cores.cores.map((c) => (
            <li key={c.cpu}>
              <span>cpu{c.cpu}</span>
              <meter
                min={0}
                max={1}
                low={0.7}
                high={0.9}
                optimum={0}
                value={c.busy}
                aria-label={`cpu${c.cpu}`}
              />
              <span>{formatRatio(c.busy)}</span>
            </li>
          ))}
        </ul>
      ) : (
        <AbsentNote reason={absentReason(cores, t('res.detailPending'))} />
      )}
    </section>
  );
}

/** NUMA distances (the SLIT, 10 = local) as a small matrix: rows from, columns to. */
function DistanceMatrix({ nodes, distances }: { nodes: number[]; distances: number[][] }) {
  if (!Array.isArray(distances) || distances.length === 0)
    return <AbsentNote reason={t('res.noDistances')} />;
  return (
    <table class="table table-compact matrix" data-testid="numa-distances">
      <caption>{t('res.distances')}</caption>
      <thead>
        <tr>
          <td />
          {nodes.map((n) => (
            <th key={n} scope="col">
              {n}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {distances.map((row, i) => (
          <tr key={nodes[i] ?? i}>
            <th scope="row">{nodes[i] ?? i}</th>
            {row.map((d, j) => (
              <td key={nodes[j] ?? j} class={i === j ? 'cell-local' : d > 20 ? 'cell-far' : undefined}>
                {d}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
