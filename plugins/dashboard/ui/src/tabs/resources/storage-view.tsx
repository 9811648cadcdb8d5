import { AbsentNote } from '../../components/absent-note.js';
import { ScrollRegion } from '../../components/scroll-region.js';
import { formatBytes, formatNumber, formatRatio } from '../../i18n/format.js';
import { t } from '../../i18n/t.js';
import { fullText } from './full-estimate.js';
import {
  absentReason,
  type FullEstimate,
  isPresent,
  type ResourceDetail,
  type ResourceSummary,
} from './resources-model.js';

const ms = (v: number | undefined) => (v === undefined ? '–' : `${formatNumber(v)} ms`);
const rate = (v: number | undefined) => (v === undefined ? '–' : `${formatBytes(v)}/s`);
const perSec = (v: number | undefined) => (v === undefined ? '–' : formatNumber(v));

/** "full in 12 days (9–17)", "not filling", "unknown: need 3 samples" — the estimate with its spread or reason. */
export function FullIn({ full }: { full: FullEstimate | undefined }) {
  const f = fullText(full);
  if (f.kind === 'full') return <span class="sev sev-critical">{t('res.fullNow')}</span>;
  if (f.kind === 'days')
    return (
      <span class={f.days < 7 ? 'sev sev-warning' : undefined}>
        {t('res.fullInDays', { days: formatNumber(f.days) })}
        {f.low !== undefined && f.high !== undefined
          ? ` (${t('res.fullRange', { low: formatNumber(f.low), high: formatNumber(f.high) })})`
          : ''}
      </span>
    );
  const label = f.kind === 'not-filling' ? t('res.notFilling') : t('res.fullUnknown');
  return <span title={f.reason}>{f.reason ? `${label}: ${f.reason}` : label}</span>;
}

/** Block devices as an iostat-like table, and filesystems with free space, inodes and "full in N days (±)". */
export function StorageView({
  summary,
  detail,
}: {
  summary: ResourceSummary | undefined;
  detail: ResourceDetail | undefined;
}) {
  const disks = detail?.storage?.disks;
  const fss = detail?.storage?.filesystems;
  const sumDisks = summary?.storage.disks;
  const sumFs = summary?.storage.filesystems;
  return (
    <section class="card card-wide" aria-labelledby="rn-storage" data-section="storage">
      <h3 id="rn-storage">{t('res.devices')}</h3>
      {isPresent(disks) ? (
        <ScrollRegion label={t('res.devices')}>
          <table class="table table-compact num" data-testid="disks">
            <thead>
              <tr>
                <th scope="col">{t('res.device')}</th>
                <th scope="col">r/s</th>
                <th scope="col">w/s</th>
                <th scope="col">{t('res.readRate')}</th>
                <th scope="col">{t('res.writeRate')}</th>
                <th scope="col">r_await</th>
                <th scope="col">w_await</th>
                <th scope="col">aqu-sz</th>
                <th scope="col">%util</th>
              </tr>
            </thead>
            <tbody>
              {disks.devices.map((d) => (
                <tr key={d.name}>
                  <th scope="row">{d.name}</th>
                  <td>{perSec(d.readsPerSecond)}</td>
                  <td>{perSec(d.writesPerSecond)}</td>
                  <td>{rate(d.readBytesPerSecond)}</td>
                  <td>{rate(d.writeBytesPerSecond)}</td>
                  <td>{ms(d.readAwaitMs)}</td>
                  <td>{ms(d.writeAwaitMs)}</td>
                  <td>{perSec(d.queueSize)}</td>
                  <td>{d.utilization === undefined ? '–' : formatRatio(d.utilization)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      ) : isPresent(sumDisks) ? (
        <ul class="plain">
          {sumDisks.list.map((d) => (
            <li key={d.name}>
              {t('res.diskSummary', {
                name: d.name,
                iops: formatNumber(d.iops),
                util: formatRatio(d.utilization),
              })}
            </li>
          ))}
        </ul>
      ) : (
        <AbsentNote reason={absentReason(disks ?? sumDisks, t('res.detailPending'))} />
      )}
      <h3>{t('res.storage')}</h3>
      {isPresent(fss) ? (
        <ScrollRegion label={t('res.storage')}>
          <table class="table table-compact" data-testid="filesystems">
            <thead>
              <tr>
                <th scope="col">{t('res.mount')}</th>
                <th scope="col">{t('res.device')}</th>
                <th scope="col">{t('res.size')}</th>
                <th scope="col">{t('res.free')}</th>
                <th scope="col">{t('res.used')}</th>
                <th scope="col">{t('res.inodes')}</th>
                <th scope="col">{t('res.fullIn')}</th>
              </tr>
            </thead>
            <tbody>
              {fss.list.map((f) => (
                <tr key={f.mount}>
                  <th scope="row">{f.mount}</th>
                  <td>
                    {f.device} <span class="muted">{f.fstype}</span>
                    {f.readOnly ? <span class="muted"> ro</span> : null}
                  </td>
                  <td>{formatBytes(f.sizeBytes)}</td>
                  <td>{formatBytes(f.availBytes)}</td>
                  <td>
                    <meter
                      min={0}
                      max={1}
                      low={0.9}
                      high={0.97}
                      optimum={0}
                      value={f.usedRatio}
                      aria-label={`${f.mount} ${t('res.used')}`}
                    />{' '}
                    {formatRatio(f.usedRatio)}
                  </td>
                  <td>
                    {isPresent(f.inodes) ? (
                      t('res.inodesDetail', {
                        ratio: formatRatio(f.inodes.usedRatio),
                        free: formatNumber(f.inodes.free),
                      })
                    ) : (
                      <span class="muted" title={absentReason(f.inodes, '')}>
                        {t('res.inodesAbsent', { reason: absentReason(f.inodes, t('res.notReported')) })}
                      </span>
                    )}
                  </td>
                  <td>
                    <FullIn full={f.full} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      ) : isPresent(sumFs) ? (
        <ul class="plain">
          {sumFs.list.map((f) => (
            <li key={f.mount}>
              {f.mount}: {formatRatio(f.usedRatio)} · {formatBytes(f.availBytes)} <FullIn full={f.full} />
            </li>
          ))}
        </ul>
      ) : (
        <AbsentNote reason={absentReason(fss ?? sumFs, t('res.detailPending'))} />
      )}
    </section>
  );
}
