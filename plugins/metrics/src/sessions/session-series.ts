import { type Labels, matchesSelector, seriesId } from '../series/series-id.js';
import { CompactHistory } from '../store/compact-history.js';
import type { SeriesEntry } from '../store/metric-store.js';
import { SESSION_TIERS } from '../store/tiers.js';

/** The series recorded per session, from each `sessions.usage` row. */
export const SESSION_SERIES = [
  'session.cpu_cores',
  'session.cpu_seconds',
  'session.cpu_throttled_ratio',
  'session.memory_bytes',
  'session.memory_peak_bytes',
] as const;

/** Sessions followed at once (5 series of ~5 KB each: ~25 MB at the cap). */
export const MAX_SESSIONS = 1_000;
/** A session's series are dropped this long after its last sample (it ended, or its node went away). */
export const SESSION_RETENTION_MS = 3_600_000;

interface SessionSeriesSet {
  node: string;
  entries: SeriesEntry[];
  lastAt: number;
  /** Previous cumulative CPU and throttled seconds, for the rates. */
  prev?: { at: number; cpu: number; throttled: number | null };
}

const SESSION = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const NODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/**
 * Usage of compute sessions as series keyed by `session` (and `node`), from the sessions
 * plugin's batched `sessions.usage` events: CPU in cores and cumulative seconds, throttled
 * share, memory and peak. Memory is bounded: at most {@link MAX_SESSIONS} sessions, each
 * dropped {@link SESSION_RETENTION_MS} after its last sample (ended sessions go first when
 * full). Memory only: a metrics restart starts the histories afresh.
 */
export class SessionSeriesStore {
  /** Rows refused because the store was full of live sessions, or malformed. */
  dropped = 0;
  private readonly sessions = new Map<string, SessionSeriesSet>();

  get size(): number {
    return this.sessions.size;
  }

  /** Records one `sessions.usage` event (`{ at, fields, rows }`); answers the rows recorded. */
  ingest(data: unknown): number {
    const d = data as { at?: unknown; fields?: unknown; rows?: unknown } | null;
    if (!d || typeof d.at !== 'number' || !Array.isArray(d.fields) || !Array.isArray(d.rows)) return 0;
    const col = (name: string) => (d.fields as unknown[]).indexOf(name);
    const [iSession, iNode, iUser, iSys, iThr, iMem, iPeak] = [
      'session',
      'node',
      'cpuUserSec',
      'cpuSystemSec',
      'throttledSec',
      'memoryCurrentBytes',
      'memoryPeakBytes',
    ].map(col) as [number, number, number, number, number, number, number];
    if (iSession < 0 || iNode < 0) return 0;
    const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    let n = 0;
    for (const row of d.rows as unknown[]) {
      if (!Array.isArray(row)) continue;
      const session = row[iSession];
      const node = row[iNode];
      if (
        typeof session !== 'string' ||
        !SESSION.test(session) ||
        typeof node !== 'string' ||
        !NODE.test(node)
      ) {
        this.dropped++;
        continue;
      }
      const set = this.entry(session, node, d.at);
      if (!set) continue;
      const cpu = (num(row[iUser]) ?? 0) + (num(row[iSys]) ?? 0);
      const throttled = num(row[iThr]);
      const at = d.at;
      const [cores, seconds, thr, mem, peak] = set.entries as [
        SeriesEntry,
        SeriesEntry,
        SeriesEntry,
        SeriesEntry,
        SeriesEntry,
      ];
      if (set.prev && at > set.prev.at) {
        const dt = (at - set.prev.at) / 1000;
        cores.history.record(at, Math.max(0, (cpu - set.prev.cpu) / dt));
        if (throttled !== null && set.prev.throttled !== null)
          thr.history.record(at, Math.max(0, (throttled - set.prev.throttled) / dt));
      }
      seconds.history.record(at, cpu);
      const m = num(row[iMem]);
      if (m !== null) mem.history.record(at, m);
      const p = num(row[iPeak]);
      if (p !== null) peak.history.record(at, p);
      set.prev = { at, cpu, throttled };
      set.lastAt = Math.max(set.lastAt, at);
      n++;
    }
    return n;
  }

  /** Drops the series of sessions silent for longer than the retention. */
  sweep(now: number): void {
    for (const [id, s] of this.sessions) if (now - s.lastAt > SESSION_RETENTION_MS) this.sessions.delete(id);
  }

  /** Series matching a selector (`session.cpu_cores{session="…"}`). */
  select(selector: { name: string; labels: Labels }): SeriesEntry[] {
    const out: SeriesEntry[] = [];
    const only = selector.labels.session;
    for (const [id, s] of this.sessions) {
      if (only !== undefined && id !== only) continue;
      for (const e of s.entries) if (matchesSelector(selector, e.name, e.labels)) out.push(e);
    }
    return out;
  }

  /** Every session series, optionally of one node, name or session. */
  list(filter: { node?: string; name?: string; session?: string } = {}): SeriesEntry[] {
    const out: SeriesEntry[] = [];
    for (const [id, s] of this.sessions) {
      if (filter.session !== undefined && id !== filter.session) continue;
      if (filter.node !== undefined && s.node !== filter.node) continue;
      for (const e of s.entries) if (filter.name === undefined || e.name === filter.name) out.push(e);
    }
    return out;
  }

  private entry(session: string, node: string, at: number): SessionSeriesSet | undefined {
    const found = this.sessions.get(session);
    if (found) return found;
    if (this.sessions.size >= MAX_SESSIONS) {
      // Full: make room by dropping the session silent the longest, if it is silent at all.
      let oldest: [string, SessionSeriesSet] | undefined;
      for (const e of this.sessions) if (!oldest || e[1].lastAt < oldest[1].lastAt) oldest = e;
      if (!oldest || at - oldest[1].lastAt < 5_000) {
        this.dropped++;
        return undefined;
      }
      this.sessions.delete(oldest[0]);
    }
    const labels = { session, node };
    const set: SessionSeriesSet = {
      node,
      lastAt: at,
      entries: SESSION_SERIES.map((name, index) => ({
        id: seriesId(name, labels),
        name,
        node,
        labels,
        index,
        history: new CompactHistory(SESSION_TIERS),
      })),
    };
    this.sessions.set(session, set);
    return set;
  }
}
