/** Bytes shared by every fetch body being read at once. */
export interface BodyBudget {
  /** Reserves `bytes`; false (nothing reserved) when that would pass the budget. */
  take(bytes: number): boolean;
  /** Returns `bytes` taken earlier. */
  give(bytes: number): void;
  /** Bytes reserved now. */
  readonly used: number;
}

/** Creates a {@link BodyBudget} of `maxBytes`. */
export function createBodyBudget(maxBytes: number): BodyBudget {
  let used = 0;
  return {
    take(bytes) {
      if (used + bytes > maxBytes) return false;
      used += bytes;
      return true;
    },
    give(bytes) {
      used = Math.max(0, used - bytes);
    },
    get used() {
      return used;
    },
  };
}

/**
 * The kernel-wide budget of outbound fetch bodies held in memory at once (64 MiB): the
 * per-fetch cap bounds one body, this bounds all of them, whichever plugins asked.
 */
export const FETCH_BODY_BUDGET: BodyBudget = createBodyBudget(64 * 1024 * 1024);
