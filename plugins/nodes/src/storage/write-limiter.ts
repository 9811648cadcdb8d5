/** Storage writes in flight at once (the kernel allows a plugin 256 host calls in flight). */
export const MAX_WRITES_IN_FLIGHT = 64;

/**
 * Bounds the plugin's storage writes in flight: ten thousand nodes changing state together (a
 * partition healing, a kernel restart) would otherwise issue ten thousand writes at once and
 * the kernel would refuse them (OMEGA_ERR_PLUGIN_LIMIT). Writes wait in order for a slot.
 */
export class WriteLimiter {
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  /** How many of `waiting` (its head) are urgent: they keep their own order among themselves. */
  private urgentWaiting = 0;
  /** Most writes ever waiting at once (served with the counters). */
  peakWaiting = 0;

  constructor(private readonly max = MAX_WRITES_IN_FLIGHT) {}

  /**
   * Runs `write` once a slot is free; resolves or rejects with it. An `urgent` write (a join:
   * an agent's handshake waits on it) goes ahead of every waiting one, so thousands of state
   * changes queued by a restart storm cannot hold a join past its handshake. Urgent writes
   * run in their own arrival order (a burst of joins does not serve the newest first).
   */
  async run<T>(write: () => Promise<T>, urgent = false): Promise<T> {
    if (this.inFlight >= this.max) {
      await new Promise<void>((resolve) => {
        if (urgent) this.waiting.splice(this.urgentWaiting++, 0, resolve);
        else this.waiting.push(resolve);
        if (this.waiting.length > this.peakWaiting) this.peakWaiting = this.waiting.length;
      });
    }
    this.inFlight++;
    try {
      return await write();
    } finally {
      this.inFlight--;
      const next = this.waiting.shift();
      if (next && this.urgentWaiting > 0) this.urgentWaiting--;
      next?.();
    }
  }
}

/** A storage write that goes ahead of the waiting ones (see {@link WriteLimiter.run}). */
export type UrgentSet = (collection: string, id: string, value: unknown) => Promise<{ version: number }>;
