/**
 * Whether `caller` cannot change: frozen, and every value a primitive or a frozen array of
 * primitives (routeCaller's callers are). Only such a caller may be sent by reference.
 */
function isDeepFrozen(caller: object): boolean {
  if (!Object.isFrozen(caller)) return false;
  for (const v of Object.values(caller)) {
    if (v === null || typeof v !== 'object') continue;
    if (!Array.isArray(v) || !Object.isFrozen(v)) return false;
    for (const x of v) if (x !== null && typeof x === 'object') return false;
  }
  return true;
}

/**
 * One host session's record of the route callers its host keeps, by slot: a caller sent once
 * with "keep as slot N" (CALL meta `route+N:<handler>`) is then sent as N alone (`route=N:<handler>`),
 * so the host's isolate does not parse its permissions and name again on every call (issue #13).
 */
export interface CallerSlots {
  /** The slot the host keeps `caller` in, or -1 when it does not keep it. */
  known(caller: object): number;
  /**
   * A slot for `caller` (deep-frozen only, else -1), taken from the caller kept longest: the
   * request that carries `caller` must say "keep as this slot" (frames are ordered, so the host's
   * table is the same as this one when the next request reads it).
   */
  keep(caller: object): number;
}

/**
 * {@link CallerSlots} of `size` slots, reused round-robin (a hit costs one WeakMap read, nothing
 * to reorder). Keyed by the caller object: routeCaller hands out one frozen caller per principal
 * and client address, and a role change or revoked token makes a new principal, so a changed
 * caller is a new object and takes a new slot (its new JSON is sent) at its first call.
 */
export function createCallerSlots(size: number): CallerSlots {
  const slotOf = new WeakMap<object, number>();
  const held: (object | undefined)[] = new Array(size).fill(undefined);
  let next = 0;
  return {
    known: (caller) => slotOf.get(caller) ?? -1,
    keep(caller) {
      if (size <= 0 || !isDeepFrozen(caller)) return -1;
      const slot = next;
      next = (next + 1) % size;
      const old = held[slot];
      if (old !== undefined) slotOf.delete(old);
      held[slot] = caller;
      slotOf.set(caller, slot);
      return slot;
    },
  };
}
