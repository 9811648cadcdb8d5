import type { InterfaceView } from '../contract.js';
import { isNum, isStr, listOf, optNum, optStr, readDetected } from './read-detected.js';
import { arrayOf, objectOf, sanitizeJson } from './sanitize-json.js';

/** An agent's `net.interfaces`, as read. */
export interface InterfacesReportView {
  at: number;
  interfaces: InterfaceView[];
  omitted?: number;
}

const KINDS = new Set(['loopback', 'device', 'virtual']);
const FAMILIES = new Set(['IPv4', 'IPv6']);

/**
 * Reads an agent's `net.interfaces` (untrusted): each interface kept when its name, kind and
 * operstate are there; its speed and addresses read as present, absent or malformed; optional
 * figures kept only when they are numbers. Undefined when it is not a version-1 report.
 */
export function readInterfaces(raw: unknown): InterfacesReportView | undefined {
  const r = objectOf(sanitizeJson(raw));
  if (r?.v !== 1 || !isNum(r.at)) return undefined;
  const interfaces: InterfaceView[] = [];
  for (const item of arrayOf(r.interfaces)) {
    const i = objectOf(item);
    if (!i || !isStr(i.name) || !isStr(i.operstate) || !isStr(i.kind) || !KINDS.has(i.kind)) continue;
    const view: InterfaceView = {
      name: i.name,
      operstate: i.operstate,
      kind: i.kind as InterfaceView['kind'],
      speed: readDetected(i.speed, (o) => isNum(o.mbps)),
      addresses: readDetected(i.addresses, (o) =>
        listOf(
          o.list,
          (a) => isStr(a.family) && FAMILIES.has(a.family) && isStr(a.address) && isNum(a.prefix),
        ),
      ),
    };
    if (typeof i.carrier === 'boolean') view.carrier = i.carrier;
    for (const k of ['carrierChanges', 'carrierUpCount', 'carrierDownCount', 'mtu'] as const)
      if (isNum(i[k])) view[k] = i[k];
    if (optStr(i.duplex) && i.duplex !== undefined) view.duplex = i.duplex as string;
    if (isStr(i.mac)) view.mac = i.mac;
    for (const k of ['rates', 'totals'] as const) {
      const o = objectOf(i[k]);
      if (o) view[k] = Object.fromEntries(Object.entries(o).filter(([, v]) => optNum(v) || objectOf(v)));
    }
    interfaces.push(view);
  }
  const out: InterfacesReportView = { at: r.at, interfaces };
  if (isNum(r.omitted)) out.omitted = r.omitted;
  return out;
}
