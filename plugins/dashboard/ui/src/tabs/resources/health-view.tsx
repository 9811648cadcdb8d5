import { AbsentNote } from '../../components/absent-note.js';
import { ScrollRegion } from '../../components/scroll-region.js';
import { formatBytes, formatDuration, formatNumber, formatRatio } from '../../i18n/format.js';
import { t } from '../../i18n/t.js';
import {
  absentReason,
  isPresent,
  type MdArray,
  type ResourceDetail,
  type ResourceSummary,
} from './resources-model.js';

const HEALTH_CLASS: Record<string, string> = {
  clean: 'sev sev-info',
  degraded: 'sev sev-critical',
  inactive: 'sev sev-warning',
};

/** One md array's state: health, slots, failed members and resync/recovery progress. */
function MdRow({ a }: { a: MdArray }) {
  const failed = a.failedMembers ?? a.failed ?? [];
  return (
    <tr>
      <th scope="row">{a.name}</th>
      <td>{a.level ?? '–'}</td>
      <td>
        <span class={HEALTH_CLASS[a.health] ?? 'sev sev-warning'}>{a.health}</span>
        {a.degraded && a.health !== 'degraded' ? (
          <span class="sev sev-critical"> {t('res.degraded')}</span>
        ) : null}
      </td>
      <td>
        {a.workingDisks !== undefined && a.raidDisks !== undefined ? `${a.workingDisks}/${a.raidDisks} ` : ''}
        {a.slotStatus ? <code>[{a.slotStatus}]</code> : null}
      </td>
      <td>{failed.length > 0 ? <span class="sev sev-critical">{failed.join(', ')}</span> : '–'}</td>
      <td>
        {a.sync ? (
          <>
            {a.sync.action} {a.sync.state !== 'running' ? `(${a.sync.state})` : ''}
            {a.sync.fraction !== undefined ? (
              <>
                {' '}
                <progress max={1} value={a.sync.fraction} aria-label={`${a.name} ${a.sync.action}`} />{' '}
                {formatRatio(a.sync.fraction)}
              </>
            ) : null}
            {a.sync.speedBytesPerSecond !== undefined
              ? ` · ${formatBytes(a.sync.speedBytesPerSecond)}/s`
              : ''}
            {a.sync.etaSeconds !== undefined
              ? ` · ${t('res.eta', { eta: formatDuration(a.sync.etaSeconds * 1000) })}`
              : ''}
          </>
        ) : (
          '–'
        )}
      </td>
    </tr>
  );
}

/** RAID and pool health (md, btrfs, ZFS) and SMART, each absent with its reason. */
export function HealthView({
  summary,
  detail,
}: {
  summary: ResourceSummary | undefined;
  detail: ResourceDetail | undefined;
}) {
  const h = detail?.health;
  const md = h?.md ?? summary?.health.md;
  const btrfs = h?.btrfs ?? summary?.health.btrfs;
  const zfs = h?.zfs ?? summary?.health.zfs;
  const smart = h?.smart ?? summary?.health.smart;
  return (
    <section class="card card-wide" aria-labelledby="rn-health" data-section="health">
      <h3 id="rn-health">{t('res.health')}</h3>
      <h4>{t('res.md')}</h4>
      {isPresent(md) ? (
        md.arrays.length === 0 ? (
          <p class="muted">{t('res.noArrays')}</p>
        ) : (
          <ScrollRegion label={t('res.md')}>
            <table class="table table-compact" data-testid="md-arrays">
              <thead>
                <tr>
                  <th scope="col">{t('res.array')}</th>
                  <th scope="col">{t('res.level')}</th>
                  <th scope="col">{t('res.healthCol')}</th>
                  <th scope="col">{t('res.members')}</th>
                  <th scope="col">{t('res.failedMembers')}</th>
                  <th scope="col">{t('res.sync')}</th>
                </tr>
              </thead>
              <tbody>
                {(md.arrays as MdArray[]).map((a) => (
                  <MdRow key={a.name} a={a} />
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        )
      ) : (
        <AbsentNote reason={absentReason(md, t('res.detailPending'))} />
      )}
      <dl class="facts">
        <dt>btrfs</dt>
        <dd>
          {isPresent(btrfs) ? (
            <ul class="plain">
              {(btrfs.filesystems as Array<{ uuid: string; label?: string; totalErrors?: number }>).map(
                (f) => (
                  <li key={f.uuid}>
                    {f.label ?? f.uuid}:{' '}
                    <span class={f.totalErrors ? 'sev sev-critical' : undefined}>
                      {t('res.errors', { count: formatNumber(f.totalErrors ?? 0) })}
                    </span>
                  </li>
                ),
              )}
            </ul>
          ) : (
            <AbsentNote reason={absentReason(btrfs, t('res.detailPending'))} />
          )}
        </dd>
        <dt>ZFS</dt>
        <dd>
          {isPresent(zfs) ? (
            <ul class="plain">
              {(zfs.pools as Array<{ name: string; health: string }>).map((p) => (
                <li key={p.name}>
                  {p.name}:{' '}
                  <span class={p.health === 'ONLINE' ? 'sev sev-info' : 'sev sev-critical'}>{p.health}</span>
                </li>
              ))}
            </ul>
          ) : (
            <AbsentNote reason={absentReason(zfs, t('res.detailPending'))} />
          )}
        </dd>
        <dt>SMART</dt>
        <dd>
          {isPresent(smart) ? (
            <ul class="plain" data-testid="smart">
              {(smart.devices as Array<{ device: string; passed?: boolean; reason?: string }>).map((d) => (
                <li key={d.device}>
                  {d.device}:{' '}
                  {d.passed === undefined ? (
                    <span class="muted">{d.reason ?? t('res.notReported')}</span>
                  ) : (
                    <span class={d.passed ? 'sev sev-info' : 'sev sev-critical'}>
                      {d.passed ? t('res.smartPassed') : t('res.smartFailing')}
                    </span>
                  )}
                </li>
              ))}
            </ul>
          ) : (
            <AbsentNote reason={absentReason(smart, t('res.detailPending'))} />
          )}
        </dd>
      </dl>
    </section>
  );
}
