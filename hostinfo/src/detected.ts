/** Why a source is absent on this host, in words an operator can act on ("zpool not installed"). */
export interface Absent {
  available: false;
  reason: string;
}

/**
 * A reading that a host may not have: the data with `available: true`, or `available: false`
 * and the reason. Absent is never reported as zeros.
 */
export type Detected<T> = ({ available: true } & T) | Absent;

/** An {@link Absent} with `reason`. */
export function absent(reason: string): Absent {
  return { available: false, reason };
}

/** `value` marked as present. */
export function present<T extends object>(value: T): { available: true } & T {
  return { available: true, ...value };
}
