/**
 * The most host CPU each sixth of a settle window (1 s of SETTLE_IDLE_MS) may hold for the window
 * to count as quiet, ms: 5 % of a core, the settles' own CPU not counted. A plugin woken every
 * second by its timer (metrics: a few ms a tick) is quiet; a host serving a stream of calls is
 * not, nor one whose window holds a burst: V8 shrinks a young generation only after 5 s of a low
 * allocation rate, so a burst must be over 5 s before the settle, however short it was.
 */
export const SETTLE_QUIET_CPU_MS = 50;
/**
 * A quiet host settles again once its heaps (the plugin's isolate and the host's own) have
 * committed this much more than right after its last settle: a regrown young generation (two
 * 1 MiB semi-spaces again) or old-space pages.
 */
export const SETTLE_REGROWTH_BYTES = 1024 * 1024;
/**
 * …or once this much more of them is in use: garbage its timer left (a 1 s timer plugin: every
 * ~20 s; at 1 MiB a settle came every ~10 s for the same RSS, bench/host-memory.bench.ts).
 */
export const SETTLE_GARBAGE_BYTES = 2 * 1024 * 1024;

/**
 * A larger heap settles on proportionally more growth (this share of what the last settle left),
 * never on less than the two floors above: a full GC's time grows with the live heap, so a host
 * holding 200 MB settles on 20 MB of regrowth, not every 2 MiB, and its settles stay rare and
 * short of the spin watch (a step never outlasts a call's wait by much).
 */
export const SETTLE_GROWTH_SHARE = 0.1;

/** Both heaps of a host, added up (the plugin's isolate and the host's own), bytes. */
export interface HeapSizes {
  /** Committed (V8's total_heap_size). */
  total: number;
  /** In use, live or garbage (V8's used_heap_size). */
  used: number;
}

/** What {@link settleDue} judges: the window just ended and what the last settle left. */
export interface SettleInput {
  /** Host CPU in the busiest sixth of the window, ms, without the settles' own. */
  peakCpuMs: number;
  /** A busy window came after the last settle (or there was no settle yet). */
  owed: boolean;
  /** The heaps now. */
  now: HeapSizes;
  /** The heaps right after the last settle (none yet: `owed` decides). */
  after?: HeapSizes;
}

/**
 * Whether a host settles at the end of a window: only a quiet one (at most
 * {@link SETTLE_QUIET_CPU_MS} of CPU in each sixth, however many calls), and then when a busier
 * spell left garbage (`owed`) or the heaps grew since the last settle
 * ({@link SETTLE_REGROWTH_BYTES} committed, {@link SETTLE_GARBAGE_BYTES} in use, or
 * {@link SETTLE_GROWTH_SHARE} of a larger heap) — so a host woken
 * every second settles after each busy spell and again whenever its own ticks have regrown it, and
 * an idle or unchanged host does not settle again.
 */
export function settleDue(input: SettleInput): boolean {
  if (input.peakCpuMs > SETTLE_QUIET_CPU_MS) return false;
  if (input.owed || !input.after) return true;
  const { now, after } = input;
  const regrowth = Math.max(SETTLE_REGROWTH_BYTES, after.total * SETTLE_GROWTH_SHARE);
  const garbage = Math.max(SETTLE_GARBAGE_BYTES, after.used * SETTLE_GROWTH_SHARE);
  return now.total - after.total >= regrowth || now.used - after.used >= garbage;
}

/**
 * Full GCs of each heap a settle runs: two after a busy spell (the first frees its garbage, the
 * second gives back the pages the first one's sweep emptied and shrinks the young generation), one
 * on regrowth from a quiet host's own ticks — its second GCs gave back nothing more (metrics host,
 * real kernel: a regrowth settle's second host GC 3.8 ms of CPU for 0 MB) and halve what each of
 * its settles costs (bench/host-memory.bench.ts, the periodic timer plugin's CPU per settle).
 */
export function settleGcs(input: Pick<SettleInput, 'owed' | 'after'>): 1 | 2 {
  return input.owed || !input.after ? 2 : 1;
}
