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

/** The confirming ticks' period, ms: each adds at most two periods of observed time. */
const TICK_MS = 50;
/** Time the kernel must watch pass, ticking on time, with no progress once the limit is reached, ms. */
const CONFIRM_MS = 250;
/** Kinds of this many outstanding entries are remembered (for the kill's reason). */
const KINDS = 64;
const KIND_NAMES: Record<number, string> = { 1: 'a call', 2: 'a host-call continuation' };

interface Watched {
  sent: number;
  done: number;
  /** performance.now() since when entries are outstanding and none finished. */
  since: number;
  /** Observed ms with no progress since the limit was reached (-1: the limit is not reached yet). */
  observed: number;
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
/** performance.now() the armed timer is due at (Infinity: none armed). */
let timerAt = Number.POSITIVE_INFINITY;
/** performance.now() of the last tick (what a confirming tick's observed time is counted from). */
let last = 0;
/** Hosts due for a kill, decided after the event loop has read what the hosts wrote. */
const suspects: Watched[] = [];

/*
 * How a spin is told from a stalled kernel or a starved machine, without waking the kernel while
 * entries end in time. An entry outstanding arms one timer for when the limit will be reached;
 * the entry ending disarms it. Node's timers keep a single libuv timer for their earliest expiry
 * and never move it later, so a disarmed timer still wakes the loop once at its old expiry — unless
 * another timer fires before it (Node then forgets it): the 1 s metrics tick's entries end within
 * milliseconds, their spin timer is due 1 s after the entry began, and the next tick fires first,
 * so a collection costs the watch no wake-up (the old 50 ms ticker's stale expiry cost one).
 * Reaching the limit only starts confirmation: 50 ms ticks, each adding at most two ticks' worth,
 * until CONFIRM_MS of time the kernel saw pass on time shows no progress, so a kernel whose loop
 * stalled once does not add up to a kill; and the decision waits for the loop's next poll
 * (setImmediate), so an answer the host wrote while the kernel was stalled is read, and counts,
 * before it. The time up to the limit is wall time: a kernel slowed for a long stretch (every turn
 * 200 ms) judges a host whose entry runs that long about twice as soon as the old all-ticks count
 * did (2.4 vs 4.4 s at a 1 s limit; review of wakeups). A spinning host is killed between about
 * limit + CONFIRM_MS − 1 tick (the due-is-due allowance) and limit + CONFIRM_MS + 2 ticks after its
 * last progress.
 */
const arm = (at: number): void => {
  if (timer !== undefined && timerAt <= at) return;
  if (timer !== undefined) clearTimeout(timer);
  timerAt = at;
  timer = setTimeout(tick, Math.max(1, Math.ceil(at - performance.now())));
  timer.unref();
};

const disarm = (): void => {
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
  timerAt = Number.POSITIVE_INFINITY;
};

const tick = (): void => {
  timer = undefined;
  timerAt = Number.POSITIVE_INFINITY;
  const now = performance.now();
  const gap = Math.min(now - last, 2 * TICK_MS);
  last = now;
  let next = Number.POSITIVE_INFINITY;
  for (const w of busy) {
    if (w.done === w.sent || w.limit <= 0) {
      busy.delete(w);
      w.busy = false;
      continue;
    }
    if (w.observed < 0) {
      // The libuv clock the timer ran on may lag performance.now() by a tick's worth: due is due.
      if (now - w.since < w.limit - TICK_MS) {
        next = Math.min(next, w.since + w.limit);
        continue;
      }
      w.observed = 0;
    } else {
      w.observed += gap;
    }
    if (w.observed < Math.min(CONFIRM_MS, w.limit)) {
      next = Math.min(next, now + TICK_MS);
      continue;
    }
    suspects.push(w);
  }
  // Not unref'd: an unref'd immediate leaves the loop asleep in its poll until some other event
  // (with a spinning host silent and no timer armed, the next call's deadline, seconds later).
  if (suspects.length > 0) setImmediate(decide);
  if (next !== Number.POSITIVE_INFINITY) arm(next);
};

const decide = (): void => {
  const now = performance.now();
  for (const w of suspects.splice(0)) {
    // Finished, closed or moved on since the tick (its answer was read in this poll).
    if (!w.busy || w.closed) continue;
    // A suspect is judged below or re-armed; if a judgement throws, the next tick judges the rest.
    arm(now + TICK_MS);
    if (w.observed < 0) {
      arm(w.since + w.limit);
      continue;
    }
    // A stopped process (SIGSTOP, a debugger) runs nothing: that is not a spin. Asked only here,
    // when a kill is due; the call deadlines still end calls a stopped host holds.
    if (w.stopped()) {
      w.since = now;
      w.observed = -1;
      arm(w.since + w.limit);
      continue;
    }
    busy.delete(w);
    w.busy = false;
    w.closed = true;
    const outstanding = (w.sent - w.done) >>> 0;
    const kind = outstanding <= KINDS ? w.kinds[((w.done + 1) >>> 0) % KINDS]! : 0;
    const ran = Math.round(now - w.since);
    w.onSpin(`spin: ${KIND_NAMES[kind] ?? 'plugin code'} ran ${ran} ms without yielding`);
  }
  if (busy.size === 0) disarm();
};

const enlist = (w: Watched): void => {
  if (w.busy || w.closed || w.limit <= 0 || w.done === w.sent) return;
  w.busy = true;
  w.since = performance.now();
  w.observed = -1;
  busy.add(w);
  arm(w.since + w.limit);
};

/** Takes `w` off the busy set; the shared timer is disarmed with the last busy host. */
const delist = (w: Watched): void => {
  busy.delete(w);
  w.busy = false;
  if (busy.size === 0) disarm();
};

/**
 * Starts the kernel's spin watch over one plugin host. Every entry into a host's isolate is
 * caused by a frame the kernel sends (CALL, or REPLY: the continuation after a host call), so
 * the kernel counts those and the host reports how many it has finished; a host with entries
 * outstanding and no progress for `limit` ms, confirmed by CONFIRM_MS (250 ms, at most `limit`)
 * of time the kernel watched pass on time, is stuck inside one entry, and `onSpin(reason)` is
 * called once (the caller kills the host, cause `spin`) — unless `stopped()` says the host is
 * stopped (then the count starts over). Costs per entry: a counter and one typed-array store;
 * per stretch of outstanding entries one clock read and one timer armed and disarmed, which wakes
 * nothing when another timer fires first; nothing runs in the host.
 */
export function watchSpins(
  onSpin: (reason: string) => void,
  stopped: () => boolean = () => false,
): SpinWatch {
  const w: Watched = {
    sent: 0,
    done: 0,
    since: 0,
    observed: -1,
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
      const moved = done !== w.done;
      w.done = done;
      if (!w.busy || !moved) return;
      // Nothing outstanding: leave the watch now, so an entry that ends in time costs no wake-up.
      if (done === w.sent) delist(w);
      else {
        // Still busy: the next entry's stay starts now (the armed timer is due no later than that).
        w.since = performance.now();
        w.observed = -1;
      }
    },
    setLimit(ms) {
      w.limit = Math.max(0, Math.min(0x7fffffff, Math.floor(ms)));
      if (w.busy && w.limit > 0) arm(w.since + w.limit);
      enlist(w);
    },
    close() {
      w.closed = true;
      if (w.busy) delist(w);
    },
  };
}
