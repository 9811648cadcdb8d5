import { ScrollRegion } from '../../components/scroll-region.js';
import { formatBytes, formatNumber } from '../../i18n/format.js';
import { t } from '../../i18n/t.js';
import { isPresent } from '../resources/resources-model.js';
import type { InterfaceView, NodeNetwork } from './network-model.js';

const rate = (v: number | undefined) => (v === undefined ? '–' : `${formatBytes(v)}/s`);
const sum = (a: number | undefined, b: number | undefined) =>
  a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);

/** Link state in one word: the operstate, and "no carrier" when the cable is out. */
function linkState(i: InterfaceView): { text: string; cls: string } {
  if (i.operstate === 'up' && i.carrier !== false) return { text: 'up', cls: 'state state-ready' };
  if (i.operstate === 'up') return { text: t('net.noCarrier'), cls: 'state state-down' };
  return { text: i.operstate, cls: i.operstate === 'down' ? 'state state-down' : 'state' };
}

/**
 * Every node's interfaces as reported by its agent: rates (rx/tx per second), errors and drops
 * (per second over the interval, and since boot), link speed (absent with its reason), state.
 */
export function InterfaceTable({ nodes }: { nodes: NodeNetwork[] }) {
  const rows = nodes.flatMap((n) =>
    'list' in n.interfaces ? n.interfaces.list.map((i) => ({ node: n, i })) : [],
  );
  const missing = nodes.filter((n) => !('list' in n.interfaces));
  return (
    <>
      {rows.length > 0 ? (
        <ScrollRegion label={t('net.fleetInterfaces')}>
          <table class="table table-compact num" data-testid="fleet-interfaces">
            <thead>
              <tr>
                <th scope="col">{t('res.node')}</th>
                <th scope="col">{t('net.name')}</th>
                <th scope="col">{t('net.state')}</th>
                <th scope="col">{t('net.speed')}</th>
                <th scope="col">{t('net.rxRate')}</th>
                <th scope="col">{t('net.txRate')}</th>
                <th scope="col">{t('net.errors')}</th>
                <th scope="col">{t('net.drops')}</th>
                <th scope="col">{t('net.addresses')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ node, i }) => {
                const st = linkState(i);
                const errRate = sum(i.rates?.rxErrorsPerSecond, i.rates?.txErrorsPerSecond);
                const dropRate = sum(i.rates?.rxDroppedPerSecond, i.rates?.txDroppedPerSecond);
                const errTotal = sum(i.totals?.rxErrors, i.totals?.txErrors);
                const dropTotal = sum(i.totals?.rxDropped, i.totals?.txDropped);
                return (
                  <tr key={`${node.id}/${i.name}`} data-node={node.id} data-interface={i.name}>
                    <td>{node.name}</td>
                    <th scope="row">
                      {i.name} {i.kind ? <span class="muted">{i.kind}</span> : null}
                    </th>
                    <td>
                      <span class={st.cls}>{st.text}</span>
                      {i.mtu ? <span class="muted"> MTU {i.mtu}</span> : null}
                    </td>
                    <td>
                      {isPresent(i.speed) ? (
                        t('net.mbps', { mbps: formatNumber(i.speed.mbps) })
                      ) : (
                        <span class="muted" title={i.speed?.reason} data-absent="true">
                          {t('res.absentShort')}
                        </span>
                      )}
                    </td>
                    <td data-col="rx">{rate(i.rates?.rxBytesPerSecond)}</td>
                    <td data-col="tx">{rate(i.rates?.txBytesPerSecond)}</td>
                    <td class={errRate ? 'heat heat-bad' : undefined}>
                      {errRate === undefined ? '–' : `${formatNumber(errRate)}/s`}
                      <span class="muted"> ({formatNumber(errTotal)})</span>
                    </td>
                    <td class={dropRate ? 'heat heat-warn' : undefined}>
                      {dropRate === undefined ? '–' : `${formatNumber(dropRate)}/s`}
                      <span class="muted"> ({formatNumber(dropTotal)})</span>
                    </td>
                    <td>
                      {isPresent(i.addresses) ? (
                        i.addresses.list.map((a) => `${a.address}/${a.prefix}`).join(' ')
                      ) : (
                        <span class="muted">{i.addresses?.reason ?? '–'}</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </ScrollRegion>
      ) : null}
      {missing.length > 0 ? (
        <ul class="plain">
          {missing.map((n) => (
            <li key={n.id} class="muted" data-absent="true">
              {n.name}: {'reason' in n.interfaces ? n.interfaces.reason : ''}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
