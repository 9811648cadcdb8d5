/** Reconnect delays: `initialMs` doubling up to `maxMs`, each ± `jitter` (a share). */
export interface Backoff {
  /** The next delay in ms (and doubles the one after). */
  next(): number;
  /** Back to `initialMs` (after a healthy session). */
  reset(): void;
}

/** Options of {@link createBackoff}. */
export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  jitter?: number;
  random?: () => number;
}

/**
 * The agent's reconnect back-off (docs/agent-protocol.md: 1 s doubling to 60 s, ±20 % jitter),
 * so thousands of agents cut off together do not all come back in the same second.
 */
export function createBackoff(o: BackoffOptions = {}): Backoff {
  const initial = o.initialMs ?? 1000;
  const max = o.maxMs ?? 60_000;
  const jitter = o.jitter ?? 0.2;
  const random = o.random ?? Math.random;
  let base = initial;
  return {
    next() {
      const d = base * (1 - jitter + 2 * jitter * random());
      base = Math.min(max, base * 2);
      return Math.round(d);
    },
    reset() {
      base = initial;
    },
  };
}

/** `ms` ± `share` (heartbeats: ±10 %). */
export function jittered(ms: number, share: number, random: () => number = Math.random): number {
  return Math.round(ms * (1 - share + 2 * share * random()));
}

/**
 * How long to wait after a refusal that said "retry after `sec` seconds": between `sec` and
 * 2 × `sec`, at random, so agents the kernel turned away together spread out.
 */
export function retryAfterWait(sec: number, random: () => number = Math.random): number {
  return Math.floor(sec * 1000 * (1 + random()));
}
