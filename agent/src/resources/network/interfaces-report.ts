import type { InterfaceCounters, InterfaceInfo } from '@omega/hostinfo';
import type { InterfaceFigures } from '../sampling/interval-figures.js';

/** Report topic of the interfaces. */
export const NET_INTERFACES_TOPIC = 'net.interfaces';
/** Most interfaces one report carries (devices first, then those with addresses). */
export const MAX_REPORTED_INTERFACES = 64;

/** One interface as reported: what it is, how it is linked, its addresses, rates and counters. */
export interface InterfaceReport extends InterfaceInfo {
  /** Rates over the report interval (absent on the first interval or when /proc/net/dev is unreadable). */
  rates?: Omit<InterfaceFigures, 'name'>;
  /** Cumulative counters since the interface was created (/proc/net/dev). */
  totals?: Omit<InterfaceCounters, 'name'>;
}

/** The `net.interfaces` report. */
export interface NetInterfacesReport {
  v: 1;
  at: number;
  interfaces: InterfaceReport[];
  /** Interfaces left out to stay within {@link MAX_REPORTED_INTERFACES}. */
  omitted?: number;
}

const rank = (i: InterfaceInfo) =>
  (i.kind === 'device' ? 0 : 2) + (i.addresses.available && i.addresses.list.length > 0 ? 0 : 1);

/**
 * Builds `net.interfaces`: every interface but loopback, with rates over the interval and
 * cumulative counters. Bounded to {@link MAX_REPORTED_INTERFACES} (a container host has a veth
 * per container): physical devices first, then interfaces with addresses.
 */
export function interfacesReport(
  at: number,
  infos: readonly InterfaceInfo[],
  figures: readonly InterfaceFigures[] | undefined,
  counters: readonly InterfaceCounters[] | undefined,
): NetInterfacesReport {
  const rates = new Map(figures?.map((f) => [f.name, f]));
  const totals = new Map(counters?.map((c) => [c.name, c]));
  const all = infos.filter((i) => i.kind !== 'loopback');
  const kept = [...all]
    .sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name))
    .slice(0, MAX_REPORTED_INTERFACES);
  const report: NetInterfacesReport = {
    v: 1,
    at,
    interfaces: kept.map((i) => {
      const out: InterfaceReport = { ...i };
      const r = rates.get(i.name);
      if (r) {
        const { name: _n, ...rest } = r;
        out.rates = rest;
      }
      const t = totals.get(i.name);
      if (t) {
        const { name: _n, ...rest } = t;
        out.totals = rest;
      }
      return out;
    }),
  };
  if (all.length > kept.length) report.omitted = all.length - kept.length;
  return report;
}
