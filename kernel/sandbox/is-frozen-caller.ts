/**
 * Whether `caller` cannot change: frozen, and every value a primitive or a frozen array of
 * primitives (routeCaller's callers are). Only such a caller's JSON may be written once and
 * reused (encodeRouteRequest), or the caller sent to a host by slot (createCallerSlots).
 */
export function isFrozenCaller(caller: object): boolean {
  if (!Object.isFrozen(caller)) return false;
  for (const v of Object.values(caller)) {
    if (v === null || typeof v !== 'object') continue;
    if (!Array.isArray(v) || !Object.isFrozen(v)) return false;
    for (const x of v) if (x !== null && typeof x === 'object') return false;
  }
  return true;
}
