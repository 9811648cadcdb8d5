/** When a crashed plugin is restarted, and when it is given up on. */
export interface RestartPolicy {
  /** Delay before the first restart, ms; doubles per crash within the window. */
  baseDelayMs: number;
  /** Longest delay, ms. */
  maxDelayMs: number;
  /** This many crashes within `windowMs` quarantine the plugin. */
  maxCrashes: number;
  windowMs: number;
}

/** The kernel's defaults. */
export const DEFAULT_RESTART_POLICY: Readonly<RestartPolicy> = Object.freeze({
  baseDelayMs: 100,
  maxDelayMs: 30_000,
  maxCrashes: 5,
  windowMs: 60_000,
});

/** What to do after a crash: quarantine, or restart after `delayMs`. */
export type RestartDecision =
  | { action: 'quarantine'; crashes: number }
  | { action: 'restart'; delayMs: number; crashes: number };

/**
 * Records a crash at `now` in `history` (pruned to the window, in place) and decides:
 * exponential back-off while fewer than `maxCrashes` fall in the window, quarantine after.
 */
export function decideRestart(policy: RestartPolicy, history: number[], now: number): RestartDecision {
  history.push(now);
  while (history.length > 0 && history[0]! <= now - policy.windowMs) history.shift();
  const crashes = history.length;
  if (crashes >= policy.maxCrashes) return { action: 'quarantine', crashes };
  const delayMs = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (crashes - 1));
  return { action: 'restart', delayMs, crashes };
}
