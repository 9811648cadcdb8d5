import { isFrozenCaller } from './is-frozen-caller.js';

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
  /**
   * Forgets every caller: after a frame that said "keep as slot N" was not sent, the host's
   * table is no longer this one, so no later call may refer to a slot it holds.
   */
  forget(): void;
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
      if (size <= 0 || !isFrozenCaller(caller)) return -1;
      const slot = next;
      next = (next + 1) % size;
      const old = held[slot];
      if (old !== undefined) slotOf.delete(old);
      held[slot] = caller;
      slotOf.set(caller, slot);
      return slot;
    },
    forget() {
      for (let i = 0; i < size; i++) {
        const old = held[i];
        if (old !== undefined) slotOf.delete(old);
        held[i] = undefined;
      }
    },
  };
}
