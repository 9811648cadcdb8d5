/**
 * Items bucketed by the whole tick their deadline falls in, so a sweep visits only the items
 * whose deadline passed instead of every item each tick. Scheduling, moving and dropping an
 * item are O(1); {@link DeadlineWheel.take} costs the due items plus the ticks passed.
 *
 * Deadlines may be early (lower bounds): the caller re-judges a due item and schedules it
 * again at its new deadline — so events that only push a deadline later (a heartbeat) need
 * not touch the wheel at all.
 */
export class DeadlineWheel<T> {
  private readonly slots = new Map<number, Set<T>>();
  private readonly slotOf = new Map<T, number>();
  /** The last tick taken: items are never put at or before it. */
  private taken: number;

  constructor(
    private readonly tickMs: number,
    now: number,
  ) {
    this.taken = Math.floor(now / tickMs) - 1;
  }

  /** Number of items scheduled. */
  get size(): number {
    return this.slotOf.size;
  }

  /**
   * Schedules `item` at `at` (epoch ms), replacing its previous deadline; `undefined` drops
   * it. A deadline already passed is taken at the next {@link take}.
   */
  schedule(item: T, at: number | undefined): void {
    const old = this.slotOf.get(item);
    const slot = at === undefined ? undefined : Math.max(Math.floor(at / this.tickMs), this.taken + 1);
    if (old === slot) return;
    if (old !== undefined) {
      const set = this.slots.get(old);
      set?.delete(item);
      if (set?.size === 0) this.slots.delete(old);
    }
    if (slot === undefined) {
      this.slotOf.delete(item);
      return;
    }
    this.slotOf.set(item, slot);
    let set = this.slots.get(slot);
    if (!set) {
      set = new Set();
      this.slots.set(slot, set);
    }
    set.add(item);
  }

  /** The deadline tick of `item` (ms at the tick's start), if scheduled. */
  deadlineOf(item: T): number | undefined {
    const slot = this.slotOf.get(item);
    return slot === undefined ? undefined : slot * this.tickMs;
  }

  /**
   * Removes and answers the items whose deadline tick started at or before `now`, earliest
   * first. Items scheduled while the caller handles them land after `now`'s tick.
   */
  take(now: number): T[] {
    const last = Math.floor(now / this.tickMs);
    if (last <= this.taken) return [];
    const due: number[] = [];
    if (last - this.taken <= this.slots.size) {
      for (let slot = this.taken + 1; slot <= last; slot++) if (this.slots.has(slot)) due.push(slot);
    } else {
      for (const slot of this.slots.keys()) if (slot <= last) due.push(slot);
      due.sort((a, b) => a - b);
    }
    this.taken = last;
    const out: T[] = [];
    for (const slot of due) {
      const set = this.slots.get(slot);
      if (!set) continue;
      this.slots.delete(slot);
      for (const item of set) {
        this.slotOf.delete(item);
        out.push(item);
      }
    }
    return out;
  }
}
