import { useState } from 'preact/hooks';
import { ScrollRegion } from '../../components/scroll-region.js';
import { AsyncView } from '../../components/status-views.js';
import { useAsync } from '../../components/use-async.js';
import { useLive } from '../../components/use-live.js';
import { formatBytes, formatNumber } from '../../i18n/format.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';
import type { SystemSnapshot } from '../resources/system-snapshot.js';

type Rates = Record<string, { rx?: number; tx?: number }>;

/** The kernel host's own interfaces from `GET /api/v1/system` (rates live from metrics samples). */
export function HostInterfaces() {
  const { api } = useServices();
  const sys = useAsync((signal) => api.get<SystemSnapshot>('/system', signal), []);
  const [rates, setRates] = useState<Rates>({});
  useLive(['metrics.sample'], (e) => {
    const v = (e.data as { values?: Record<string, number> })?.values;
    if (!v) return;
    const next: Rates = {};
    for (const [id, x] of Object.entries(v)) {
      const m = /^net\.(rx|tx)_bytes\{.*interface="([^"]+)"/.exec(id);
      if (m?.[1] && m[2]) next[m[2]] = { ...next[m[2]], [m[1]]: x };
    }
    setRates(next);
  });
  return (
    <AsyncView state={sys}>
      {(s) => (
        <section class="card card-wide" aria-labelledby="net-ifaces">
          <h3 id="net-ifaces">{t('net.interfaces', { host: s.topology.hostname })}</h3>
          <ScrollRegion label={t('tab.network')}>
            <table class="table table-compact" data-testid="interfaces">
              <thead>
                <tr>
                  <th scope="col">{t('net.name')}</th>
                  <th scope="col">{t('net.rxRate')}</th>
                  <th scope="col">{t('net.txRate')}</th>
                  <th scope="col">{t('net.rxTotal')}</th>
                  <th scope="col">{t('net.txTotal')}</th>
                  <th scope="col">{t('net.errors')}</th>
                  <th scope="col">{t('net.drops')}</th>
                </tr>
              </thead>
              <tbody>
                {s.network.interfaces.map((i) => (
                  <tr key={i.name}>
                    <td>{i.name}</td>
                    <td>{rates[i.name]?.rx === undefined ? '–' : `${formatBytes(rates[i.name]?.rx)}/s`}</td>
                    <td>{rates[i.name]?.tx === undefined ? '–' : `${formatBytes(rates[i.name]?.tx)}/s`}</td>
                    <td>{formatBytes(i.rxBytes)}</td>
                    <td>{formatBytes(i.txBytes)}</td>
                    <td>{formatNumber(i.rxErrors + i.txErrors)}</td>
                    <td>{formatNumber(i.rxDropped + i.txDropped)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        </section>
      )}
    </AsyncView>
  );
}
