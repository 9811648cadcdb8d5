import { AbsentNote } from '../../components/absent-note.js';
import { type Column, VirtualTable } from '../../components/virtual-table.js';
import { formatNumber, formatRatio } from '../../i18n/format.js';
import { t } from '../../i18n/t.js';
import {
  type FleetResources,
  isPresent,
  type NodeResources,
  type ResourceSummary,
} from './resources-model.js';
import { FullIn } from './storage-view.js';

type SummaryFs = Extract<ResourceSummary['storage']['filesystems'], { available: true }>['list'][number];

/** The fullest filesystem of a summary (the one to worry about first). */
function fullest(s: ResourceSummary): SummaryFs | undefined {
  if (!isPresent(s.storage.filesystems)) return undefined;
  let best: SummaryFs | undefined;
  for (const f of s.storage.filesystems.list) if (!best || f.usedRatio > best.usedRatio) best = f;
  return best;
}

/** The busiest disk of a summary. */
function busiest(s: ResourceSummary) {
  if (!isPresent(s.storage.disks)) return undefined;
  return [...s.storage.disks.list].sort((a, b) => b.utilization - a.utilization)[0];
}

const sum = (n: NodeResources) => ('v' in n.summary ? n.summary : undefined);
const absent = (n: NodeResources) => ('reason' in n.summary ? n.summary.reason : '');

/** The fleet's resources: totals, then one row per node (NUMA, hottest, throttling, disks, fullest filesystem, RAID, problems). */
export function FleetResourcesView({
  fleet,
  onSelect,
}: {
  fleet: FleetResources;
  onSelect: (id: string) => void;
}) {
  const c = fleet.cluster;
  const columns: Column<NodeResources>[] = [
    {
      key: 'name',
      label: t('res.node'),
      width: '10rem',
      render: (n) => (
        <button type="button" class="btn-link" data-node-link={n.id} onClick={() => onSelect(n.id)}>
          {n.name}
        </button>
      ),
    },
    {
      key: 'state',
      label: t('nodes.state'),
      width: '7rem',
      render: (n) => <span class={`state state-${n.state}`}>{n.state}</span>,
    },
    {
      key: 'cpu',
      label: t('res.cpuBusy'),
      width: '6rem',
      render: (n) => {
        const s = sum(n);
        return s && isPresent(s.cpu) ? formatRatio(s.cpu.busy) : <span class="muted">–</span>;
      },
    },
    {
      key: 'numa',
      label: t('res.numa'),
      width: '5rem',
      optional: true,
      render: (n) => {
        const s = sum(n);
        return s && isPresent(s.numa) ? (
          formatNumber(s.numa.nodes.length)
        ) : (
          <span class="muted" title={s ? (s.numa as { reason?: string }).reason : absent(n)}>
            –
          </span>
        );
      },
    },
    {
      key: 'hot',
      label: t('res.hottestCol'),
      width: '7rem',
      optional: true,
      render: (n) => {
        const s = sum(n);
        return s && isPresent(s.thermal.sensors) ? (
          <span data-col="hot">{`${formatNumber(s.thermal.sensors.hottest.celsius)} °C`}</span>
        ) : (
          <span
            class="muted"
            data-col="hot"
            title={s ? (s.thermal.sensors as { reason?: string }).reason : absent(n)}
          >
            {t('res.absentShort')}
          </span>
        );
      },
    },
    {
      key: 'throttle',
      label: t('res.throttles1h'),
      width: '7rem',
      optional: true,
      render: (n) => {
        const s = sum(n);
        return s && isPresent(s.thermal.throttle) ? (
          formatNumber(s.thermal.throttle.count)
        ) : (
          <span class="muted" title={s ? (s.thermal.throttle as { reason?: string }).reason : absent(n)}>
            {t('res.absentShort')}
          </span>
        );
      },
    },
    {
      key: 'disk',
      label: t('res.busiestDisk'),
      width: '9rem',
      optional: true,
      render: (n) => {
        const s = sum(n);
        const d = s && busiest(s);
        return d ? `${d.name} ${formatRatio(d.utilization)}` : <span class="muted">–</span>;
      },
    },
    {
      key: 'fs',
      label: t('res.fullestFs'),
      width: '14rem',
      render: (n) => {
        const s = sum(n);
        const f = s && fullest(s);
        return f ? (
          <>
            {f.mount} {formatRatio(f.usedRatio)} <FullIn full={f.full} />
          </>
        ) : (
          <span class="muted">–</span>
        );
      },
    },
    {
      key: 'md',
      label: t('res.md'),
      width: '7rem',
      optional: true,
      render: (n) => {
        const s = sum(n);
        if (!s) return <span class="muted">–</span>;
        if (!isPresent(s.health.md))
          return (
            <span class="muted" title={s.health.md.reason}>
              {t('res.absentShort')}
            </span>
          );
        const bad = s.health.md.arrays.filter((a) => a.degraded).length;
        return bad > 0 ? (
          <span class="sev sev-critical">{t('res.degradedCount', { count: bad })}</span>
        ) : (
          t('res.arraysOk', { count: s.health.md.arrays.length })
        );
      },
    },
    {
      key: 'problems',
      label: t('res.problems'),
      width: '9rem',
      render: (n) =>
        n.problems.length === 0 ? (
          <span class="muted">{t('res.none')}</span>
        ) : (
          (['critical', 'warning', 'info'] as const)
            .map((sev) => [sev, n.problems.filter((p) => p.severity === sev).length] as const)
            .filter(([, k]) => k > 0)
            .map(([sev, k]) => (
              <span key={sev} class={`sev sev-${sev}`}>
                {k} {sev}
              </span>
            ))
        ),
    },
  ];
  return (
    <div class="stack">
      <dl class="facts facts-row" data-testid="fleet-totals">
        <dt>{t('res.reporting')}</dt>
        <dd>{t('res.reportingOf', { reporting: c.reporting, nodes: c.nodes })}</dd>
        <dt>{t('res.numaNodes')}</dt>
        <dd>{formatNumber(c.numaNodes)}</dd>
        <dt>{t('res.throttledNodes')}</dt>
        <dd>{formatNumber(c.throttledNodes)}</dd>
        <dt>{t('res.degradedArrays')}</dt>
        <dd>{formatNumber(c.degradedArrays)}</dd>
        <dt>{t('res.hottestCol')}</dt>
        <dd>
          {c.hottest ? `${formatNumber(c.hottest.celsius)} °C (${c.hottest.sensor})` : t('res.absentShort')}
        </dd>
        <dt>{t('res.problems')}</dt>
        <dd>
          {t('res.problemCounts', {
            critical: c.problems.critical,
            warning: c.problems.warning,
            info: c.problems.info,
          })}
        </dd>
      </dl>
      {c.registry ? <AbsentNote reason={c.registry} /> : null}
      {fleet.items.length === 0 ? (
        <p class="muted">{t('res.noNodes')}</p>
      ) : (
        <VirtualTable
          rows={fleet.items}
          columns={columns}
          rowKey={(n) => n.id}
          label={t('res.fleet')}
          height={Math.min(480, fleet.items.length * 36 + 48)}
        />
      )}
    </div>
  );
}
