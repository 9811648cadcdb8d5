import { AbsentNote } from '../../components/absent-note.js';
import { ScrollRegion } from '../../components/scroll-region.js';
import { formatDuration, formatNumber, formatRatio, formatTime } from '../../i18n/format.js';
import { t } from '../../i18n/t.js';
import { absentReason, isPresent, type ResourceDetail, type ResourceSummary } from './resources-model.js';
import { sensorLevel } from './sensor-level.js';

/** "hour", "2 hours", else a duration: the throttle window in words. */
function windowText(ms: number): string {
  if (ms === 3_600_000) return t('res.hour');
  if (ms % 3_600_000 === 0) return t('res.hours', { n: ms / 3_600_000 });
  return formatDuration(ms);
}

const LEVEL_CLASS = { ok: undefined, hot: 'sev sev-warning', crit: 'sev sev-critical' } as const;

/** Every sensor (label, value, max, critical), "throttled N times in the last hour", CPUs held down, GPUs. */
export function ThermalView({
  summary,
  detail,
}: {
  summary: ResourceSummary | undefined;
  detail: ResourceDetail | undefined;
}) {
  const th = detail?.thermal;
  const sensors = th?.sensors;
  const throttle = th?.throttle ?? summary?.thermal.throttle;
  const freq = th?.frequency ?? summary?.thermal.frequency;
  const gpus = th?.gpus ?? summary?.thermal.gpus;
  const hottest = summary?.thermal.sensors;
  return (
    <section class="card" aria-labelledby="rn-thermal" data-section="thermal">
      <h3 id="rn-thermal">{t('res.thermal')}</h3>
      {isPresent(sensors) ? (
        <ScrollRegion label={t('res.sensors')}>
          <table class="table table-compact" data-testid="sensors">
            <thead>
              <tr>
                <th scope="col">{t('res.sensor')}</th>
                <th scope="col">{t('res.value')}</th>
                <th scope="col">{t('res.max')}</th>
                <th scope="col">{t('res.critical')}</th>
              </tr>
            </thead>
            <tbody>
              {sensors.sensors.map((s, i) => {
                const level = sensorLevel(s);
                return (
                  <tr key={`${s.chip}/${s.label ?? i}`}>
                    <th scope="row">
                      {s.label ?? s.chip} {s.label ? <span class="muted">{s.chip}</span> : null}
                    </th>
                    <td>
                      <span class={LEVEL_CLASS[level]}>{formatNumber(s.celsius)} °C</span>
                    </td>
                    <td>{s.maxCelsius === undefined ? '–' : `${formatNumber(s.maxCelsius)} °C`}</td>
                    <td>{s.criticalCelsius === undefined ? '–' : `${formatNumber(s.criticalCelsius)} °C`}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </ScrollRegion>
      ) : isPresent(hottest) ? (
        <p>
          {t('res.hottest', {
            sensor: `${hottest.hottest.chip}${hottest.hottest.label ? ` ${hottest.hottest.label}` : ''}`,
            celsius: formatNumber(hottest.hottest.celsius),
            count: hottest.count,
          })}
        </p>
      ) : (
        <AbsentNote reason={absentReason(sensors ?? hottest, t('res.detailPending'))} />
      )}
      <dl class="facts" data-testid="throttle">
        <dt>{t('res.throttle')}</dt>
        <dd>
          {isPresent(throttle) ? (
            <>
              {t('res.throttledTimes', {
                count: throttle.count,
                window: windowText((throttle as { windowMs?: number }).windowMs ?? 3_600_000),
              })}
              {throttle.throttledMs ? ` (${formatDuration(throttle.throttledMs)})` : ''}
              {throttle.lastAt ? (
                <span class="muted"> {t('res.lastAt', { at: formatTime(throttle.lastAt) })}</span>
              ) : null}
            </>
          ) : (
            <AbsentNote reason={absentReason(throttle, t('res.detailPending'))} />
          )}
        </dd>
        <dt>{t('res.frequency')}</dt>
        <dd>
          {isPresent(freq) ? (
            <>
              {t('res.freqRatio', { min: formatRatio(freq.ratioMin), mean: formatRatio(freq.ratioMean) })}{' '}
              {t('res.heldDown', { count: freq.heldDown.count })}
            </>
          ) : (
            <AbsentNote reason={absentReason(freq, t('res.detailPending'))} />
          )}
        </dd>
        <dt>{t('res.gpus')}</dt>
        <dd>
          {isPresent(gpus) ? (
            <ul class="plain">
              {gpus.gpus.map((g) => (
                <li key={g.index}>
                  {t('res.gpuLine', {
                    index: g.index,
                    name: g.name ?? '',
                    celsius: g.temperatureCelsius === undefined ? '–' : formatNumber(g.temperatureCelsius),
                    slowdown: g.slowdownCelsius === undefined ? '–' : formatNumber(g.slowdownCelsius),
                  })}
                  {g.throttleReasons && g.throttleReasons.length > 0 ? (
                    <span class="sev sev-warning"> {g.throttleReasons.join(', ')}</span>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <AbsentNote reason={absentReason(gpus, t('res.detailPending'))} />
          )}
        </dd>
      </dl>
    </section>
  );
}
