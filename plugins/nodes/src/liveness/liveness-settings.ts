import type { FieldError } from '@omega/sdk';

/**
 * The bounds liveness is judged by (kernel clock), and the pace of the plugin's own work.
 * Changed through `PUT /api/v1/nodes/settings`.
 */
export interface LivenessSettings {
  /** Silence (no frame from the agent) after which a ready node turns `suspect`. */
  suspectAfterMs: number;
  /** Silence after which a node is `down`. */
  downAfterMs: number;
  /** After a healthy node's connection closes without leave: how long it may take to reconnect before it is `down`. */
  closedGraceMs: number;
  /** How often the newest loads are published on `nodes.load` (a batch per period). */
  loadPublishMs: number;
  /** State-history entries kept per node. */
  historyMax: number;
}

/**
 * Defaults sized for TCP on a lossy link with the agents' 5 s heartbeat. A lost segment waits
 * for a retransmission timeout that doubles (Linux: 200 ms minimum, so 0.2 + 0.4 + 0.8 + 1.6 +
 * 3.2 + 6.4 = 12.6 s after six losses in a row), so a degraded-but-working link delivers
 * heartbeats in bursts up to ~18 s apart: suspect only past 20 s (four periods), down past 40 s
 * (as Kubernetes' node-monitor grace period). A closed connection is a faster signal (the agent
 * reconnects within 1–2 s after a kernel-side close), so it gets 10 s to come back.
 */
export const DEFAULT_SETTINGS: Readonly<LivenessSettings> = Object.freeze({
  suspectAfterMs: 20_000,
  downAfterMs: 40_000,
  closedGraceMs: 10_000,
  loadPublishMs: 10_000,
  historyMax: 20,
});

/** Allowed range of each setting, ms or entries. */
export const SETTING_RANGES: Readonly<Record<keyof LivenessSettings, readonly [number, number]>> = {
  suspectAfterMs: [1_000, 3_600_000],
  downAfterMs: [2_000, 86_400_000],
  closedGraceMs: [0, 3_600_000],
  loadPublishMs: [1_000, 600_000],
  historyMax: [1, 200],
};

/** Validates a (partial) settings update against `current`; answers the merged settings or the field errors. */
export function mergeSettings(
  current: LivenessSettings,
  input: unknown,
): { settings: LivenessSettings } | { errors: FieldError[] } {
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    return { errors: [{ field: 'body', message: 'must be an object of settings' }] };
  const errors: FieldError[] = [];
  const next: LivenessSettings = { ...current };
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
    if (k === 'version') continue;
    if (!Object.hasOwn(SETTING_RANGES, k)) {
      errors.push({ field: k, message: `is not a setting (${Object.keys(SETTING_RANGES).join(', ')})` });
      continue;
    }
    const [lo, hi] = SETTING_RANGES[k as keyof LivenessSettings];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
      errors.push({ field: k, message: `must be an integer from ${lo} to ${hi}` });
      continue;
    }
    next[k as keyof LivenessSettings] = v;
  }
  if (errors.length === 0 && next.downAfterMs <= next.suspectAfterMs)
    errors.push({ field: 'downAfterMs', message: 'must be greater than suspectAfterMs' });
  return errors.length > 0 ? { errors } : { settings: next };
}
