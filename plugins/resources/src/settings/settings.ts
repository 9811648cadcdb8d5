import type { FieldError } from '@omega/sdk';

/** How agents probe each other (handed out in `netprobe.plan`). */
export interface ProbeSettings {
  /** Hand out plans at all (off: agents only time the kernel). */
  enabled: boolean;
  /** A round every this many ms. */
  intervalMs: number;
  /** Probes per peer per round, `spacingMs` apart; unanswered after `timeoutMs`: lost. */
  packets: number;
  spacingMs: number;
  timeoutMs: number;
  /** The window the figures cover (p50/p99, loss, jitter). */
  windowMs: number;
  /** Most peers one node probes per round (a larger cluster rotates who probes whom). */
  peersPerNode: number;
  /** TCP handshakes to the kernel per kernel round. */
  kernelConnects: number;
  /** The kernel receives at most this many probe handshakes per second from the whole cluster. */
  kernelConnectsPerSecond: number;
  /** Probe reports from the whole cluster are paced to about this many bytes per second. */
  reportBytesPerSecond: number;
}

/** When a figure becomes a problem. */
export interface Thresholds {
  /** A link is degraded above this p50 RTT, ms. */
  rttWarnMs: number;
  /** …or this loss (0–1); bad above `lossBad`. */
  lossWarn: number;
  lossBad: number;
  /** …or this jitter, ms. */
  jitterWarnMs: number;
  /** A filesystem fuller than this (df's used share) is a warning; than `fsUsedCritical` critical. */
  fsUsedWarn: number;
  fsUsedCritical: number;
  /** "Full in N days": a warning when even the late end of its interval is within this many days… */
  fullWarnDays: number;
  /** …critical within this many. */
  fullCriticalDays: number;
  inodesWarn: number;
  /** A sensor within this many °C of its critical threshold (or past its max) is hot. */
  hotMarginCelsius: number;
  diskBusyWarn: number;
}

/** Every setting, with the version a PUT must name. */
export interface Settings {
  probe: ProbeSettings;
  thresholds: Thresholds;
}

/** The defaults (docs/network.md explains the probe's cost with them). */
export const DEFAULT_SETTINGS: Settings = {
  probe: {
    enabled: true,
    intervalMs: 10_000,
    packets: 5,
    spacingMs: 200,
    timeoutMs: 2_000,
    windowMs: 300_000,
    peersPerNode: 8,
    kernelConnects: 3,
    kernelConnectsPerSecond: 50,
    reportBytesPerSecond: 65_536,
  },
  thresholds: {
    rttWarnMs: 50,
    lossWarn: 0.01,
    lossBad: 0.1,
    jitterWarnMs: 20,
    fsUsedWarn: 0.9,
    fsUsedCritical: 0.97,
    fullWarnDays: 7,
    fullCriticalDays: 1,
    inodesWarn: 0.9,
    hotMarginCelsius: 5,
    diskBusyWarn: 0.95,
  },
};

/** A setting's bounds: `[min, max, integer]`. */
export type Range = [min: number, max: number, integer: boolean];
/** Each probe setting's bounds (the PUT body's schema is derived from them too). */
export const PROBE_RANGES: Record<Exclude<keyof ProbeSettings, 'enabled'>, Range> = {
  intervalMs: [1_000, 3_600_000, true],
  packets: [1, 20, true],
  spacingMs: [10, 10_000, true],
  timeoutMs: [100, 10_000, true],
  windowMs: [1_000, 86_400_000, true],
  peersPerNode: [1, 64, true],
  kernelConnects: [0, 10, true],
  kernelConnectsPerSecond: [1, 10_000, false],
  reportBytesPerSecond: [1_024, 10_485_760, false],
};
/** Each threshold's bounds (the PUT body's schema is derived from them too). */
export const THRESHOLD_RANGES: Record<keyof Thresholds, Range> = {
  rttWarnMs: [0.01, 60_000, false],
  lossWarn: [0, 1, false],
  lossBad: [0, 1, false],
  jitterWarnMs: [0.01, 60_000, false],
  fsUsedWarn: [0, 1, false],
  fsUsedCritical: [0, 1, false],
  fullWarnDays: [0, 3650, false],
  fullCriticalDays: [0, 3650, false],
  inodesWarn: [0, 1, false],
  hotMarginCelsius: [0, 100, false],
  diskBusyWarn: [0, 10, false],
};

function patchNumbers<T extends object>(
  base: T,
  patch: unknown,
  ranges: Record<string, Range>,
  prefix: string,
  errors: FieldError[],
): T {
  const out = { ...base } as Record<string, unknown>;
  if (patch === undefined) return out as T;
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    errors.push({ field: prefix, message: 'must be an object' });
    return out as T;
  }
  for (const [k, v] of Object.entries(patch)) {
    const field = `${prefix}.${k}`;
    if (k === 'enabled' && prefix === 'probe') {
      if (typeof v !== 'boolean') errors.push({ field, message: 'must be true or false' });
      else out.enabled = v;
      continue;
    }
    const r = ranges[k];
    if (!r) {
      errors.push({ field, message: 'is not a setting' });
      continue;
    }
    const [min, max, integer] = r;
    if (
      typeof v !== 'number' ||
      !Number.isFinite(v) ||
      v < min ||
      v > max ||
      (integer && !Number.isInteger(v))
    )
      errors.push({ field, message: `must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}` });
    else out[k] = v;
  }
  return out as T;
}

/**
 * Applies a PUT body (`{ probe?, thresholds? }`, partial) to `current`; answers the new settings
 * or the fields at fault, including the cross-field rules (a round must hold its probes and
 * their timeout; the window at least a round; bad loss above warning loss).
 */
export function applySettings(
  current: Settings,
  body: Record<string, unknown>,
): { settings: Settings } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  for (const k of Object.keys(body))
    if (k !== 'probe' && k !== 'thresholds' && k !== 'version')
      errors.push({ field: k, message: 'is not a setting' });
  const probe = patchNumbers(current.probe, body.probe, PROBE_RANGES, 'probe', errors);
  const thresholds = patchNumbers(
    current.thresholds,
    body.thresholds,
    THRESHOLD_RANGES,
    'thresholds',
    errors,
  );
  if (probe.packets * probe.spacingMs + probe.timeoutMs > probe.intervalMs)
    errors.push({ field: 'probe.intervalMs', message: 'must hold packets × spacingMs + timeoutMs' });
  if (probe.windowMs < probe.intervalMs)
    errors.push({ field: 'probe.windowMs', message: 'must be at least intervalMs' });
  if (thresholds.lossBad < thresholds.lossWarn)
    errors.push({ field: 'thresholds.lossBad', message: 'must be at least lossWarn' });
  if (thresholds.fsUsedCritical < thresholds.fsUsedWarn)
    errors.push({ field: 'thresholds.fsUsedCritical', message: 'must be at least fsUsedWarn' });
  return errors.length > 0 ? { errors } : { settings: { probe, thresholds } };
}
