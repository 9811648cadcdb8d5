/** Every message costs at least this much, so a flood of tiny messages is a flood too (≤ 1024/s at 256 KiB/s). */
const MIN_CHARGE = 256;

/** Why a panel's message was refused: too big on its own, or over the per-second allowance. */
export type BudgetVerdict = 'ok' | 'oversize' | 'flood';

/** A byte budget per message and per sliding second. */
export interface ByteBudget {
  /** Counts a message of `bytes` received at `now` (ms); says whether it fits. */
  charge(bytes: number, now: number): BudgetVerdict;
}

/**
 * A budget of `messageBytes` per message and `bytesPerSecond` over any sliding second. A message
 * that does not fit is not counted (the caller stops the panel at once anyway).
 */
export function createByteBudget(limits: { messageBytes: number; bytesPerSecond: number }): ByteBudget {
  const window: Array<{ at: number; bytes: number }> = [];
  let inWindow = 0;
  return {
    charge(bytes, now) {
      if (bytes > limits.messageBytes) return 'oversize';
      const cost = Math.max(bytes, MIN_CHARGE);
      while (window.length > 0 && (window[0]?.at ?? now) <= now - 1000)
        inWindow -= window.shift()?.bytes ?? 0;
      if (inWindow + cost > limits.bytesPerSecond) return 'flood';
      window.push({ at: now, bytes: cost });
      inWindow += cost;
      return 'ok';
    },
  };
}
