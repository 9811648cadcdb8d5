/** What an entry into the isolate is, for the reason a spin kill gives. */
export const ENTRY_KIND = { call: 1, continuation: 2 } as const;

/** Watches one host's entries into its isolate from the kernel (see {@link watchSpins}). */
export interface SpinWatch {
  /** An entry frame (CALL = `ENTRY_KIND.call`, REPLY = `ENTRY_KIND.continuation`) was sent to the host. */
  sent(kind: number): void;
  /** The host reports how many entry frames it has finished (`aux` of its frames, mod 2^32). */
  progress(done: number): void;
  /** The longest stay in one entry, ms (0 = not watched: before LOAD nothing runs plugin code). */
  setLimit(ms: number): void;
  /** Stops watching (the host ended or is being killed). */
  close(): void;
}

/** The shared timer's period, ms. */
const TICK_MS = 50;
/** Kinds of this many outstanding entries are remembered (for the kill's reason). */
const KINDS = 64;
const KIND_NAMES: Record<number, string> = { 1: 'a call', 2: 'a host-call continuation' };

interface Watched {
  sent: number;
  done: number;
  /** `done` at the last tick that saw the host busy. */
  seenDone: number;
  /** Observed ms since that tick with no progress. */
  stalled: number;
  /** Added since the last tick: its first tick only starts the count. */
  fresh: boolean;
  limit: number;
  busy: boolean;
  closed: boolean;
  kinds: Uint8Array;
  onSpin: (reason: string) => void;
  stopped: () => boolean;
}

// One timer for every host of this process, armed only while some host has entries outstanding.
const busy = new Set<Watched>();
let timer: NodeJS.Timeout | undefined;
let last = 0;

/*
 * Counts only time this timer saw pass, each tick adding at most two ticks' worth, so a stalled
 * kernel event loop (or a starved machine) never adds up to a kill. A host with entries
 * outstanding whose finished count has not moved for `limit` ms of that time is spinning.
 */
const tick = (): void => {
  const now = Date.now();
  const gap = Math.min(now - last, 2 * TICK_MS);
  last = now;
  for (const w of busy) {
    if (w.done === w.sent || w.limit <= 0) {
      busy.delete(w);
      w.busy = false;
      continue;
    }
    if (w.fresh || w.done !== w.seenDone) {
      w.fresh = false;
      w.seenDone = w.done;
      w.stalled = 0;
      continue;
    }
    w.stalled += gap;
    if (w.stalled < w.limit) continue;
    // A stopped process (SIGSTOP, a debugger) runs nothing: that is not a spin. Asked only here,
    // when a kill is due; the call deadlines still end calls a stopped host holds.
    if (w.stopped()) {
      w.stalled = 0;
      continue;
    }
    busy.delete(w);
    w.busy = false;
    w.closed = true;
    const outstanding = (w.sent - w.done) >>> 0;
    const kind = outstanding <= KINDS ? w.kinds[((w.done + 1) >>> 0) % KINDS]! : 0;
    w.onSpin(`spin: ${KIND_NAMES[kind] ?? 'plugin code'} ran ${w.stalled} ms without yielding`);
  }
  if (busy.size === 0 && timer) {
    clearInterval(timer);
    timer = undefined;
  }
};

const enlist = (w: Watched): void => {
  if (w.busy || w.closed || w.limit <= 0 || w.done === w.sent) return;
  w.busy = true;
  w.fresh = true;
  busy.add(w);
  if (!timer) {
    last = Date.now();
    timer = setInterval(tick, TICK_MS);
    timer.unref();
  }
};

/** Takes `w` off the busy set; the shared timer stops with the last busy host. */
const delist = (w: Watched): void => {
  busy.delete(w);
  w.busy = false;
  if (busy.size === 0 && timer) {
    clearInterval(timer);
    timer = undefined;
  }
};

/**
 * Starts the kernel's spin watch over one plugin host. Every entry into a host's isolate is
 * caused by a frame the kernel sends (CALL, or REPLY: the continuation after a host call), so
 * the kernel counts those and the host reports how many it has finished; a host with entries
 * outstanding and no progress for `limit` ms of observed time is stuck inside one entry, and
 * `onSpin(reason)` is called once (the caller kills the host, cause `spin`) — unless `stopped()`
 * says the host is stopped (then the count starts over). Costs per entry: a counter and one
 * typed-array store; nothing runs in the host.
 */
export function watchSpins(
  onSpin: (reason: string) => void,
  stopped: () => boolean = () => false,
): SpinWatch {
  const w: Watched = {
    sent: 0,
    done: 0,
    seenDone: 0,
    stalled: 0,
    fresh: false,
    limit: 0,
    busy: false,
    closed: false,
    kinds: new Uint8Array(KINDS),
    onSpin,
    stopped,
  };
  return {
    sent(kind) {
      w.sent = (w.sent + 1) >>> 0;
      w.kinds[w.sent % KINDS] = kind;
      if (!w.busy) enlist(w);
    },
    progress(done) {
      w.done = done;
      // Nothing outstanding: leave the watch now rather than at the next tick, so an entry that
      // ends in time (a 1 s metrics tick's call and continuation) costs no wake-up of the kernel.
      if (w.busy && done === w.sent) delist(w);
    },
    setLimit(ms) {
      w.limit = Math.max(0, Math.min(0x7fffffff, Math.floor(ms)));
      enlist(w);
    },
    close() {
      w.closed = true;
      if (w.busy) delist(w);
    },
  };
}
