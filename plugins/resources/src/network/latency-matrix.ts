import { isoTime } from '@omega/sdk';
import type { LatencyCell, LatencyMatrix, LinkStatus, NodeQuality, QualityGrade } from '../contract.js';
import type { ProbeReportView } from '../reports/read-probe.js';
import type { Thresholds } from '../settings/settings.js';
import { judgeLink } from './judge-link.js';

/** The column of the kernel in the matrix. */
export const KERNEL = 'kernel';

/** One node's newest probe report and when it arrived (kernel clock). */
export interface ProbeEntry {
  report: ProbeReportView;
  receivedAt: number;
  /** Probe timeout of the plan in force (for the "silent for two rounds" rule). */
  timeoutMs: number;
  /** Rounds between two reports of this node. */
  reportEveryRounds: number;
}

const PENALTY: Record<LinkStatus, number> = { ok: 0, degraded: 0.3, bad: 0.7, unreachable: 1, stale: 0 };
const RANK: Record<LinkStatus, number> = { stale: -1, ok: 0, degraded: 1, bad: 2, unreachable: 3 };

/** Every cell measured by the nodes of `probes` (rows), judged now. */
export function matrixCells(
  probes: ReadonlyMap<string, ProbeEntry>,
  now: number,
  t: Thresholds,
): LatencyCell[] {
  const cells: LatencyCell[] = [];
  for (const [from, e] of probes) {
    const r = e.report;
    const ctx = {
      at: r.at,
      receivedAt: e.receivedAt,
      now,
      intervalMs: r.intervalMs,
      staleAfterMs: Math.max(30_000, 3 * r.intervalMs * e.reportEveryRounds),
      timeoutMs: e.timeoutMs,
    };
    const at = isoTime(e.receivedAt);
    const targets = [
      ...r.peers.map((p) => ({ to: p.node, figures: p.figures })),
      ...(r.kernel ? [{ to: KERNEL, figures: r.kernel.figures }] : []),
    ];
    for (const { to, figures } of targets) {
      if (figures.sent === 0) continue;
      cells.push({ from, to, ...figures, ...judgeLink(figures, ctx, t), at });
    }
  }
  return cells;
}

/** The matrix as the API serves it. */
export function latencyMatrix(
  cells: readonly LatencyCell[],
  names: (id: string) => string,
  now: number,
  windowMs: number,
  intervalMs: number,
): LatencyMatrix {
  // Both in code-unit order (ids are ASCII), the kernel's column last: a node's row and its
  // column line up, and no locale collation is loaded into the host (ICU's, ~2 MB resident).
  const rows = [...new Set(cells.map((c) => c.from))].sort();
  const cols = [...new Set(cells.map((c) => c.to))].sort((a, b) =>
    a === KERNEL ? 1 : b === KERNEL ? -1 : a < b ? -1 : a > b ? 1 : 0,
  );
  const named = (id: string) => ({ id, name: id === KERNEL ? 'kernel' : names(id) });
  return {
    at: isoTime(now),
    windowMs,
    intervalMs,
    nodes: rows.map(named),
    targets: cols.map(named),
    cells: [...cells],
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * One node's connection quality, from its links: to each peer the worse of the two directions
 * measured, and to the kernel. A link problem is the node's own when it shows on more than half
 * of its links (a bad link between two nodes shows on both, so the node whose other links are
 * fine is not blamed). Score: 1 − the mean penalty of its links (ok 0, degraded 0.3, bad 0.7,
 * unreachable 1).
 */
export function nodeQuality(
  node: string,
  name: string,
  cells: readonly LatencyCell[],
  names: (id: string) => string,
): NodeQuality {
  const links = new Map<string, LatencyCell>();
  for (const c of cells) {
    if (c.status === 'stale') continue;
    const partner = c.from === node ? c.to : c.to === node ? c.from : undefined;
    if (partner === undefined) continue;
    const known = links.get(partner);
    if (!known || RANK[c.status] > RANK[known.status]) links.set(partner, c);
  }
  const kernel = cells.find((c) => c.from === node && c.to === KERNEL);
  const peers = [...links.entries()].filter(([p]) => p !== KERNEL).map(([, c]) => c);
  const rtts = peers.flatMap((c) => (c.rttMs ? [c.rttMs.p50] : []));
  const losses = peers.flatMap((c) => (c.loss !== undefined ? [c.loss] : []));
  const summary: NodeQuality['peers'] = {
    measured: peers.length,
    reachable: peers.filter((c) => c.status !== 'unreachable').length,
    ...(losses.length > 0 ? { worstLoss: Math.max(...losses) } : {}),
    ...(rtts.length > 0 ? { medianRttMs: Math.round(median(rtts) * 1000) / 1000 } : {}),
  };
  const all = [...links.values()];
  const base = { node, name, peers: summary, ...(kernel ? { kernel } : {}) };
  if (all.length === 0) return { ...base, grade: 'unknown', reason: 'no link of this node measured yet' };
  const score = Math.round((1 - all.reduce((a, c) => a + PENALTY[c.status], 0) / all.length) * 1000) / 1000;
  const share = (min: LinkStatus) => all.filter((c) => RANK[c.status] >= RANK[min]);
  const describe = (list: LatencyCell[]) =>
    list
      .slice(0, 5)
      .map((c) => {
        const partner = c.from === node ? c.to : c.from;
        return `${partner === KERNEL ? 'kernel' : names(partner)} (${c.reason})`;
      })
      .join('; ');
  let grade: QualityGrade = 'good';
  let hit: LatencyCell[] = [];
  for (const [g, min] of [
    ['unreachable', 'unreachable'],
    ['bad', 'bad'],
    ['degraded', 'degraded'],
  ] as const) {
    const list = share(min);
    if (list.length * 2 > all.length) {
      grade = g;
      hit = list;
      break;
    }
  }
  const reason =
    grade === 'good'
      ? `${all.length - share('degraded').length} of ${all.length} links fine${share('degraded').length > 0 ? `; the others' trouble is on their side: ${describe(share('degraded'))}` : ''}`
      : `${hit.length} of ${all.length} links ${grade === 'unreachable' ? 'unreachable' : grade === 'bad' ? 'bad' : 'degraded'}: ${describe(hit)}`;
  return { ...base, grade, score, reason };
}
