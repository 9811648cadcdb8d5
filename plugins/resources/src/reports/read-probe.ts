import type { ProbeFigures } from '../contract.js';
import { isNum, isStr } from './read-detected.js';
import { arrayOf, objectOf, sanitizeJson } from './sanitize-json.js';

/** An agent's `net.probe`, as read. */
export interface ProbeReportView {
  at: number;
  plan: string | null;
  listen?: { address?: string; port: number };
  intervalMs: number;
  windowMs: number;
  peers: Array<{ node: string; address: string; port: number; figures: ProbeFigures }>;
  kernel?: { host: string; port: number; figures: ProbeFigures };
  responder?: { answered: number; rejected: number; limited: number };
}

function figures(o: Record<string, unknown>): ProbeFigures | undefined {
  if (!isNum(o.sent) || !isNum(o.received) || o.received > o.sent || o.sent < 0) return undefined;
  const f: ProbeFigures = { sent: o.sent, received: o.received };
  if (isNum(o.loss) && o.loss >= 0 && o.loss <= 1) f.loss = o.loss;
  const r = objectOf(o.rttMs);
  if (r && [r.min, r.p50, r.p99, r.max, r.mean].every((x) => isNum(x) && x >= 0))
    f.rttMs = {
      min: r.min as number,
      p50: r.p50 as number,
      p99: r.p99 as number,
      max: r.max as number,
      mean: r.mean as number,
    };
  if (isNum(o.jitterMs) && o.jitterMs >= 0) f.jitterMs = o.jitterMs;
  if (isNum(o.lastReplyAt)) f.lastReplyAt = o.lastReplyAt;
  if (isStr(o.lastError)) f.lastError = o.lastError;
  return f;
}

const PORT = (v: unknown): v is number => isNum(v) && Number.isInteger(v) && v >= 1 && v <= 65_535;

/**
 * Reads an agent's `net.probe` (untrusted): every figure checked (counts, a loss in 0–1, RTTs
 * non-negative); a peer or the kernel entry with bad counts is left out. Undefined when it is not
 * a version-1 report.
 */
export function readProbe(raw: unknown): ProbeReportView | undefined {
  const r = objectOf(sanitizeJson(raw));
  if (r?.v !== 1 || !isNum(r.at) || !isNum(r.intervalMs) || !isNum(r.windowMs)) return undefined;
  const out: ProbeReportView = {
    at: r.at,
    plan: isStr(r.plan) ? r.plan : null,
    intervalMs: r.intervalMs,
    windowMs: r.windowMs,
    peers: [],
  };
  const listen = objectOf(r.listen);
  if (listen && PORT(listen.port))
    out.listen = { port: listen.port, ...(isStr(listen.address) ? { address: listen.address } : {}) };
  for (const item of arrayOf(r.peers)) {
    const p = objectOf(item);
    if (!p || !isStr(p.node) || !isStr(p.address) || !PORT(p.port)) continue;
    const f = figures(p);
    if (f) out.peers.push({ node: p.node, address: p.address, port: p.port, figures: f });
  }
  const k = objectOf(r.kernel);
  const kf = k && figures(k);
  if (k && kf && isStr(k.host) && PORT(k.port)) out.kernel = { host: k.host, port: k.port, figures: kf };
  const resp = objectOf(r.responder);
  if (resp && isNum(resp.answered) && isNum(resp.rejected) && isNum(resp.limited))
    out.responder = { answered: resp.answered, rejected: resp.rejected, limited: resp.limited };
  return out;
}
