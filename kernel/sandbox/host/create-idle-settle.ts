import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type ivm from 'isolated-vm';

/**
 * The window over which a host's activity is judged, ms: a host settles at the end of a window
 * with at most {@link SETTLE_QUIET_ENTRIES} entries. V8 shrinks a young generation only when its
 * allocation rate, measured over the last 5 s, is low: a GC sooner after a burst frees old-space
 * pages but keeps both 1 MiB semi-spaces (measured on Node 20: shrunk at ≥ 5.2 s, not at 4.5 s).
 */
export const SETTLE_IDLE_MS = 6000;
/**
 * At most this many entries in a window count as quiet (10 a second): a plugin woken by a 1 s
 * timer (metrics) settles too, once after each busier spell, never again until the next one.
 */
export const SETTLE_QUIET_ENTRIES = 60;

/** What {@link createIdleSettle} answers: tell it about activity; it settles once idle. */
export interface IdleSettle {
  /** An entry finished: counts it, and starts judging windows if it is not already. */
  touch(): void;
  /** Stops the idle check (the host is stopping). */
  close(): void;
}

/**
 * Gives back a quiet host's garbage heap pages, once per quiet spell: at the end of a
 * {@link SETTLE_IDLE_MS} window (judged each sixth of it) with at most
 * {@link SETTLE_QUIET_ENTRIES} entries (none for an idle host: 6–7 s after its last call), two
 * full GCs of the plugin's isolate and two of the host's own (V8's `gc`), after which V8
 * shrinks each young generation from two 1 MiB semi-spaces to 256 KiB and releases emptied
 * old-space pages — ~3 MB less RSS per idle host (bench/host-memory.bench.ts). It settles again
 * only after a busier window: a host stays quiet or busy for the cost of one timer a second
 * while calls come, none while idle. The first busy calls after a settle regrow the young
 * generation.
 *
 * V8's `gc` is exposed only while two throwaway contexts are made — one in this process's
 * isolate, one in the plugin's — and hidden again before the plugin's own context exists:
 * the plugin never sees a `gc` global (its context is made after this returns), and nothing
 * of the host enters its isolate. Where the flag cannot be toggled (an embedding that froze
 * V8's flags) the host does not settle and runs as before.
 */
export function createIdleSettle(isolate: ivm.Isolate): IdleSettle | undefined {
  let hostGc: () => void;
  let isolateGc: ivm.Reference<() => void>;
  try {
    setFlagsFromString('--expose-gc');
    try {
      hostGc = runInNewContext('gc') as () => void;
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

  // Entries per 1/6 of the window (a ring of the last six), and the current slice's count.
  const slices: number[] = [];
  let entries = 0;
  let settled = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = (): void => {
    slices.push(entries);
    entries = 0;
    if (slices.length > 6) slices.shift();
    const sum = slices.reduce((a, b) => a + b, 0);
    if (slices.length < 6 || sum > SETTLE_QUIET_ENTRIES) {
      if (sum > SETTLE_QUIET_ENTRIES) settled = false;
      timer = setTimeout(tick, SETTLE_IDLE_MS / 6).unref();
      return;
    }
    // A quiet window: stop ticking; the next entry starts a new window.
    timer = undefined;
    slices.length = 0;
    if (settled || isolate.isDisposed) return;
    settled = true;
    try {
      isolateGc.applySync(undefined, []);
      isolateGc.applySync(undefined, []);
    } catch {
      // A disposed isolate: the host is ending anyway.
    }
    hostGc();
    hostGc();
  };
  return {
    touch() {
      entries++;
      timer ??= setTimeout(tick, SETTLE_IDLE_MS / 6).unref();
    },
    close() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
