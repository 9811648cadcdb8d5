import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type ivm from 'isolated-vm';

/**
 * How long a host must have run no entry before it settles, ms. V8 shrinks a young generation
 * only when its allocation rate, measured over the last 5 s, is low: a GC sooner after a burst
 * frees old-space pages but keeps both 1 MiB semi-spaces (measured on Node 20: shrunk at ≥ 5.2 s
 * of idle, not at 4.5 s).
 */
export const SETTLE_IDLE_MS = 6000;

/** What {@link createIdleSettle} answers: tell it about activity; it settles once idle. */
export interface IdleSettle {
  /** An entry finished at `now` (performance.now()): arms the idle check if it is not armed. */
  touch(now: number): void;
  /** Stops the idle check (the host is stopping). */
  close(): void;
}

/**
 * Gives back an idle host's garbage heap pages, once per quiet spell: when no entry ran for
 * {@link SETTLE_IDLE_MS}, two full GCs of the plugin's isolate and two of the host's own
 * (V8's `gc`), after which V8 shrinks each young generation from two 1 MiB semi-spaces to
 * 256 KiB and releases emptied old-space pages — ~3 MB less RSS per idle host
 * (bench/host-memory.bench.ts). A host kept busy (a call at least every 6 s, e.g. a 1 s
 * timer) never settles and pays nothing; the first call after a settle regrows the young
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

  let lastEntryAt = 0;
  let timer: NodeJS.Timeout | undefined;
  const check = (): void => {
    const quiet = performance.now() - lastEntryAt;
    if (quiet < SETTLE_IDLE_MS) {
      timer = setTimeout(check, SETTLE_IDLE_MS - quiet).unref();
      return;
    }
    timer = undefined;
    if (isolate.isDisposed) return;
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
    touch(now) {
      lastEntryAt = now;
      if (timer === undefined) timer = setTimeout(check, SETTLE_IDLE_MS).unref();
    },
    close() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
