import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type ivm from 'isolated-vm';
import { type HeapSizes, SETTLE_QUIET_CPU_MS, settleDue, settleGcs } from './settle-due.js';

/**
 * The window over which a host's activity is judged, ms (each sixth of it, on a rolling basis).
 * V8 shrinks a young generation only when its allocation rate, measured over the last 5 s, is
 * low: a GC sooner after a burst frees old-space pages but keeps both 1 MiB semi-spaces
 * (measured on Node 20: shrunk at ≥ 5.2 s, not at 4.5 s).
 */
export const SETTLE_IDLE_MS = 6000;
/**
 * A settle runs only after this long without an entry, ms: between two ticks of a timer plugin,
 * not on the heels of one (whose host calls may still be answering); it waits at most a sixth of
 * a window for such a gap, else tries again after the next window.
 */
export const SETTLE_GAP_MS = 100;

/** One settle, as {@link IdleSettleOptions.onSettle} is told of it. */
export interface SettleRecord {
  /** Wall time of the longer of its two steps (the isolate's GCs, the host's), ms: the most an entry waits. */
  stepMs: number;
  /** Process CPU of the whole settle, ms. */
  cpuMs: number;
  /** Both heaps before and after it. */
  before: HeapSizes;
  after: HeapSizes;
}

/** Options of {@link createIdleSettle}. */
export interface IdleSettleOptions {
  /**
   * Host calls the plugin has sent and the kernel has not answered yet: a settle step waits for
   * none (a call awaiting its answer would otherwise wait one step longer for it).
   */
  inFlight?(): number;
  /** Told of each settle (measurement only: bench/host-memory.bench.ts). */
  onSettle?(record: SettleRecord): void;
  /** This process's own `gc` (take-host-gc.ts); without it one is taken from a throwaway `vm` context, kept alive with it. */
  hostGc?: () => void;
}

/** What {@link createIdleSettle} answers: tell it about activity; it settles when quiet. */
export interface IdleSettle {
  /** An entry finished: notes when, and starts judging windows if it is not already. */
  touch(): void;
  /** Stops the idle check (the host is stopping). */
  close(): void;
}

const cpuMsNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * Gives back a quiet host's garbage heap pages: two full GCs of the plugin's isolate and two of
 * the host's own (V8's `gc`; one each when it settles on regrowth: {@link settleGcs}), after
 * which V8 shrinks each young generation from two 1 MiB semi-spaces to 256 KiB and releases emptied old-space pages — ~3 MB less RSS per host
 * (bench/host-memory.bench.ts). Activity is judged over a rolling {@link SETTLE_IDLE_MS} window of
 * host CPU time, not of calls, and {@link settleDue} decides: a quiet window (≤ 5 % of a core in
 * each of its seconds) settles a host after a busier one, and again whenever its heaps have regrown since its last
 * settle — so a plugin woken every second by its timer (metrics) settles too, and keeps settling
 * as its ticks regrow it. Windows are judged from the entries themselves (a slice closes on the
 * first entry after it ends) and by one idle check SETTLE_IDLE_MS after the last entry, not by a
 * timer each second: a host woken by a 1 s timer wakes for its ticks only. An idle host pays nothing
 * once its last window is judged.
 *
 * Never inside an entry: a settle runs on this process's event loop between frames, only once
 * no entry has finished for {@link SETTLE_GAP_MS} and no host call is awaiting its answer
 * ({@link IdleSettleOptions.inFlight}), in two steps (the isolate's GCs, then the host's) with
 * frames served between them; the second step, too, waits for such a gap. So a call waiting on
 * the kernel never waits for a step, and an entry arriving meanwhile waits for one step at most
 * (a few ms: figures in bench/host-memory.bench.ts).
 *
 * V8's `gc` is exposed only while a throwaway context is made in the plugin's isolate (and one in
 * this process's, unless {@link IdleSettleOptions.hostGc} is given: take-host-gc.ts) and hidden
 * again before the plugin's own context exists:
 * the plugin never sees a `gc` global (its context is made after this returns), and nothing
 * of the host enters its isolate. Where the flag cannot be toggled (an embedding that froze
 * V8's flags) the host does not settle and runs as before.
 */
export function createIdleSettle(isolate: ivm.Isolate, opts: IdleSettleOptions = {}): IdleSettle | undefined {
  let hostGc: () => void;
  let isolateGc: ivm.Reference<() => void>;
  try {
    setFlagsFromString('--expose-gc');
    try {
      hostGc = opts.hostGc ?? (runInNewContext('gc') as () => void);
      const side = isolate.createContextSync();
      isolateGc = side.global.getSync('gc', { reference: true }) as ivm.Reference<() => void>;
      side.release();
    } finally {
      setFlagsFromString('--no-expose-gc');
    }
    if (typeof hostGc !== 'function' || isolateGc.typeof !== 'function') return undefined;
  } catch {
    return undefined;
  }

  const SLICE_MS = SETTLE_IDLE_MS / 6;
  // CPU per sixth of the window (a ring of the last six), the current slice's start and the
  // settles' own CPU inside it (not counted).
  const slices: number[] = [];
  let sliceCpu0 = 0;
  let settleCpu = 0;
  let lastEntry = 0;
  let owed = true;
  let after: HeapSizes | undefined;
  // A settle waiting for a gap; the idle check; whether a window is being judged and its current slice's start.
  let timer: NodeJS.Timeout | undefined;
  let idle: NodeJS.Timeout | undefined;
  let judging = false;
  let sliceStart = 0;
  let step: NodeJS.Immediate | undefined;
  let stepWait: NodeJS.Timeout | undefined;
  let closed = false;

  const inFlight = opts.inFlight ?? (() => 0);
  /** How much longer until a gap: no entry for SETTLE_GAP_MS and no host call awaiting its answer, ms (0: now). */
  const gapIn = (now: number): number => {
    const quietFor = now - lastEntry;
    if (quietFor < SETTLE_GAP_MS) return SETTLE_GAP_MS - quietFor;
    return inFlight() > 0 ? SETTLE_GAP_MS : 0;
  };

  const heaps = (): HeapSizes => {
    const h = isolate.getHeapStatisticsSync();
    const me = getHeapStatistics();
    return { total: h.total_heap_size + me.total_heap_size, used: h.used_heap_size + me.used_heap_size };
  };

  /**
   * Two steps, frames served between them, each in a gap (the second waits for one too, at most
   * until `deadline`, else it is left for the next quiet window: `owed` is paid and the heaps
   * noted only once both ran).
   */
  const settle = (deadline: number, gcs: number): void => {
    const before = heaps();
    const cpu0 = cpuMsNow();
    const t = performance.now();
    try {
      for (let i = 0; i < gcs; i++) isolateGc.applySync(undefined, []);
    } catch {
      // A disposed isolate: the host is ending anyway.
    }
    const isolateMs = performance.now() - t;
    const isolateCpu = cpuMsNow() - cpu0;
    settleCpu += isolateCpu;
    const hostStep = (): void => {
      step = undefined;
      stepWait = undefined;
      if (closed || isolate.isDisposed) return;
      const now = performance.now();
      const wait = gapIn(now);
      if (wait > 0) {
        if (now + wait <= deadline) stepWait = setTimeout(hostStep, wait).unref();
        return;
      }
      const cpu1 = cpuMsNow();
      const t1 = performance.now();
      for (let i = 0; i < gcs; i++) hostGc();
      const hostMs = performance.now() - t1;
      const hostCpu = cpuMsNow() - cpu1;
      settleCpu += hostCpu;
      owed = false;
      after = heaps();
      opts.onSettle?.({ stepMs: Math.max(isolateMs, hostMs), cpuMs: isolateCpu + hostCpu, before, after });
    };
    step = setImmediate(hostStep);
  };

  /** Settles in a gap (no entry for SETTLE_GAP_MS, no host call in flight), waiting at most until `deadline` for one. */
  const settleInGap = (deadline: number, gcs: number): void => {
    timer = undefined;
    if (closed || isolate.isDisposed) return;
    const now = performance.now();
    const wait = gapIn(now);
    if (wait > 0) {
      if (now + wait <= deadline) timer = setTimeout(() => settleInGap(deadline, gcs), wait).unref();
      // No gap in time: the next entry starts a new window, which will try again.
      return;
    }
    settle(deadline, gcs);
  };

  /**
   * Closes the slices that ended by `now` (one CPU reading for all of them: what ran since the
   * last reading is charged to the first, an over-count at worst, so quiet is judged later, never
   * sooner), then judges a full window: busy → owed; quiet → the window ends and the host settles
   * if due. Runs from entries (touch) and from the idle check, never from a timer of its own.
   */
  const advance = (now: number): void => {
    const ended = Math.floor((now - sliceStart) / SLICE_MS);
    if (ended < 1) return;
    const cpu = cpuMsNow();
    slices.push(Math.max(0, cpu - sliceCpu0 - settleCpu));
    for (let i = 1; i < ended && i < 6; i++) slices.push(0);
    while (slices.length > 6) slices.shift();
    sliceStart += ended * SLICE_MS;
    sliceCpu0 = cpu;
    settleCpu = 0;
    if (slices.length < 6 || isolate.isDisposed) return;
    const peakCpuMs = Math.max(...slices);
    if (peakCpuMs > SETTLE_QUIET_CPU_MS) {
      // Busy: whatever it allocated is owed a settle once it is quiet again.
      owed = true;
      return;
    }
    // A quiet window: stop judging (the next entry starts a new window); settle if due.
    judging = false;
    slices.length = 0;
    const input = { peakCpuMs, owed, now: heaps(), ...(after ? { after } : {}) };
    if (settleDue(input)) settleInGap(now + SLICE_MS, settleGcs(input));
  };

  /**
   * Judges a window whose entries stopped: while entries still come, touch() judges it and this
   * looks again SETTLE_IDLE_MS after the last one (a host woken every second by its timer is not
   * woken a second time each second by this); once they stopped, once a slice until it is judged.
   */
  const onIdle = (): void => {
    idle = undefined;
    if (closed || !judging || isolate.isDisposed) return;
    const now = performance.now();
    advance(now);
    if (!judging) return;
    const wait = now - lastEntry < SLICE_MS ? lastEntry + SETTLE_IDLE_MS - now : SLICE_MS;
    idle = setTimeout(onIdle, wait).unref();
  };
  return {
    touch() {
      const now = performance.now();
      lastEntry = now;
      if (closed) return;
      if (judging) {
        advance(now);
        return;
      }
      judging = true;
      slices.length = 0;
      sliceStart = now;
      sliceCpu0 = cpuMsNow();
      settleCpu = 0;
      if (idle === undefined) idle = setTimeout(onIdle, SETTLE_IDLE_MS).unref();
    },
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      if (idle !== undefined) clearTimeout(idle);
      if (step !== undefined) clearImmediate(step);
      if (stepWait !== undefined) clearTimeout(stepWait);
      timer = undefined;
      idle = undefined;
      step = undefined;
      stepWait = undefined;
    },
  };
}
