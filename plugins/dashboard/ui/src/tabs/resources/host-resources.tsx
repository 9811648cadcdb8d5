import { useState } from 'preact/hooks';
import { ScrollRegion } from '../../components/scroll-region.js';
import { AsyncView } from '../../components/status-views.js';
import { useAsync } from '../../components/use-async.js';
import { useLive } from '../../components/use-live.js';
import { formatBytes, formatNumber, formatRatio } from '../../i18n/format.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';
import type { SystemSnapshot } from './system-snapshot.js';

/**
 * The kernel host's own CPU topology, NUMA, memory, filesystems, sensors and GPUs from
 * `GET /api/v1/system` (per-core load live from metrics samples); absent hardware is shown as
 * absent, never as zero. Shown under the fleet, and alone when the resources plugin is not installed.
 */
export function HostResources() {
  const { api } = useServices();
  const sys = useAsync((signal) => api.get<SystemSnapshot>('/system', signal), []);
  const [cores, setCores] = useState<Record<string, number>>({});
  useLive(['metrics.sample'], (e) => {
    const v = (e.data as { values?: Record<string, number> })?.values;
    if (!v) return;
    const next: Record<string, number> = {};
    for (const [id, x] of Object.entries(v)) {
      const m = /^cpu\.busy\{.*cpu="(\d+)"/.exec(id);
      if (m?.[1]) next[m[1]] = x;
    }
    setCores(next);
  });
  return (
    <AsyncView state={sys}>
      {(s) => (
        <div class="cards">
          <section class="card" aria-labelledby="res-cpu">
            <h3 id="res-cpu">{t('res.cpu', { host: s.topology.hostname })}</h3>
            <dl class="facts">
              <dt>{t('res.model')}</dt>
              <dd>
                {s.topology.vendor} {s.topology.model}
              </dd>
              <dt>{t('res.cores')}</dt>
              <dd>
                {t('res.coresDetail', {
                  sockets: s.topology.sockets,
                  physical: s.topology.physicalCores,
                  logical: s.topology.logicalCores,
                })}
              </dd>
              <dt>{t('res.load')}</dt>
              <dd>
                {formatNumber(s.cpu.load.load1)} / {formatNumber(s.cpu.load.load5)} /{' '}
                {formatNumber(s.cpu.load.load15)}
              </dd>
            </dl>
            <ul class="core-bars" aria-label={t('res.perCore')}>
              {s.cpu.cores.map((c) => {
                const busy = cores[String(c.cpu)] ?? c.busy;
                return (
                  <li key={c.cpu}>
                    <span>cpu{c.cpu}</span>
                    <meter min={0} max={1} value={busy} aria-label={`cpu${c.cpu}`} />
                    <span>{formatRatio(busy)}</span>
                  </li>
                );
              })}
            </ul>
          </section>
          <section class="card" aria-labelledby="res-numa">
            <h3 id="res-numa">{t('res.numa')}</h3>
            {s.topology.numaNodes && s.topology.numaNodes.length > 0 ? (
              <ul class="plain">
                {s.topology.numaNodes.map((n) => (
                  <li key={n.node}>
                    {t('res.numaNode', {
                      node: n.node,
                      cpus: n.cpus.join(','),
                      memory: formatBytes(n.memoryTotalBytes),
                    })}
                  </li>
                ))}
              </ul>
            ) : (
              <p class="muted">{t('res.absent')}</p>
            )}
          </section>
          <section class="card" aria-labelledby="res-mem">
            <h3 id="res-mem">{t('res.memory')}</h3>
            <dl class="facts">
              <dt>{t('res.used')}</dt>
              <dd>
                {formatBytes(s.memory.usedBytes)} / {formatBytes(s.memory.totalBytes)}
              </dd>
              <dt>{t('res.available')}</dt>
              <dd>{formatBytes(s.memory.availableBytes)}</dd>
              <dt>{t('res.cached')}</dt>
              <dd>{formatBytes(s.memory.cachedBytes)}</dd>
              <dt>{t('res.swap')}</dt>
              <dd>
                {s.memory.swap.totalBytes === 0
                  ? t('res.noSwap')
                  : `${formatBytes(s.memory.swap.usedBytes)} / ${formatBytes(s.memory.swap.totalBytes)}`}
              </dd>
            </dl>
          </section>
          <section class="card" aria-labelledby="res-thermal">
            <h3 id="res-thermal">{t('res.thermal')}</h3>
            {s.temperature.available ? (
              <ul class="plain">
                {s.temperature.sensors.map((x, i) => (
                  <li key={`${x.label ?? x.name ?? i}`}>
                    {x.label ?? x.name}: {formatNumber(x.celsius ?? x.value)} °C
                  </li>
                ))}
              </ul>
            ) : (
              <p class="muted">{s.temperature.reason ?? t('res.noSensors')}</p>
            )}
            <h4>{t('res.gpus')}</h4>
            {s.gpu.available && s.gpu.gpus.length > 0 ? (
              <ul class="plain">
                {s.gpu.gpus.map((g, i) => (
                  <li key={`${g.name ?? i}`}>
                    {g.name} {formatRatio(g.utilization)}
                  </li>
                ))}
              </ul>
            ) : (
              <p class="muted">{s.gpu.reason ?? t('res.noGpus')}</p>
            )}
          </section>
          <section class="card card-wide" aria-labelledby="res-fs">
            <h3 id="res-fs">{t('res.storage')}</h3>
            <ScrollRegion label={t('res.storage')}>
              <table class="table table-compact">
                <thead>
                  <tr>
                    <th scope="col">{t('res.mount')}</th>
                    <th scope="col">{t('res.device')}</th>
                    <th scope="col">{t('res.size')}</th>
                    <th scope="col">{t('res.used')}</th>
                    <th scope="col">{t('res.inodes')}</th>
                  </tr>
                </thead>
                <tbody>
                  {s.disk.filesystems.map((f) => (
                    <tr key={f.mount}>
                      <td>{f.mount}</td>
                      <td>
                        {f.device} <span class="muted">{f.fstype}</span>
                      </td>
                      <td>{formatBytes(f.sizeBytes)}</td>
                      <td>{formatRatio(f.usedBytes / Math.max(1, f.usedBytes + f.availBytes))}</td>
                      <td>{formatRatio(1 - f.filesFree / Math.max(1, f.files))}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollRegion>
          </section>
        </div>
      )}
    </AsyncView>
  );
}
