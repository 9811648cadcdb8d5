import type { LatencyCell, NodeQuality } from '../contract.js';
import type { InterfacesReportView } from '../reports/read-interfaces.js';
import type { Sample } from './summary-series.js';

/**
 * The series of one node's probe cells (`peer` is the peer's node name, or `kernel`): RTT p50
 * and p99 and jitter in seconds, loss 0–1, up 0/1 (Prometheus: omega_probe_rtt_seconds{quantile},
 * omega_probe_loss_ratio, omega_probe_jitter_seconds, omega_probe_up). Series are keyed by node
 * name, as the metrics plugin keys remote nodes.
 */
export function probeSeries(cells: readonly LatencyCell[], name: (id: string) => string): Sample[] {
  const out: Sample[] = [];
  for (const c of cells) {
    if (c.status === 'stale') continue;
    const peer = { peer: c.to === 'kernel' ? 'kernel' : name(c.to) };
    if (c.rttMs) {
      out.push(['probe.rtt', { ...peer, quantile: '0.5' }, c.rttMs.p50 / 1000]);
      out.push(['probe.rtt', { ...peer, quantile: '0.99' }, c.rttMs.p99 / 1000]);
    }
    if (c.loss !== undefined) out.push(['probe.loss', peer, c.loss]);
    if (c.jitterMs !== undefined) out.push(['probe.jitter', peer, c.jitterMs / 1000]);
    out.push(['probe.up', peer, c.status === 'unreachable' ? 0 : 1]);
  }
  return out;
}

/** A node's connection quality score (absent while unknown). */
export function qualitySeries(q: NodeQuality): Sample[] {
  return q.score === undefined ? [] : [['net.quality', {}, q.score]];
}

const num = (o: Record<string, unknown> | undefined, k: string) => {
  const v = o?.[k];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
};

/** Per interface: rates over the interval, link up, speed, carrier changes (no loopback). */
export function interfaceSeries(r: InterfacesReportView): Sample[] {
  const out: Sample[] = [];
  for (const i of r.interfaces) {
    const l = { interface: i.name };
    const push = (name: string, v: number | undefined) => {
      if (v !== undefined) out.push([name, l, v]);
    };
    push('net.rx_bytes', num(i.rates, 'rxBytesPerSecond'));
    push('net.tx_bytes', num(i.rates, 'txBytesPerSecond'));
    const errors = [num(i.rates, 'rxErrorsPerSecond'), num(i.rates, 'txErrorsPerSecond')];
    if (errors.every((e) => e !== undefined)) push('net.errors', errors[0]! + errors[1]!);
    const drops = [num(i.rates, 'rxDroppedPerSecond'), num(i.rates, 'txDroppedPerSecond')];
    if (drops.every((e) => e !== undefined)) push('net.drops', drops[0]! + drops[1]!);
    push('net.up', i.operstate === 'up' ? 1 : 0);
    if (i.speed.available) push('net.speed', i.speed.mbps * 125_000);
    push('net.carrier_changes', i.carrierChanges);
  }
  return out;
}
