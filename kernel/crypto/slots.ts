/** A FIFO counting semaphore: at most `max` tasks run at once, the rest wait in order. */
export interface Slots {
  /** Runs `task` once a slot is free; the slot is released when it settles. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks running now. */
  readonly active: number;
  /** Tasks waiting for a slot. */
  readonly waiting: number;
}

/** Creates {@link Slots} with `max` slots (at least 1). */
export function createSlots(max: number): Slots {
  const limit = Math.max(1, Math.floor(max));
  const queue: (() => void)[] = [];
  let active = 0;
  const release = (): void => {
    const next = queue.shift();
    if (next) next();
    else active--;
  };
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      const start = (): Promise<T> => {
        let p: Promise<T>;
        try {
          p = task();
        } catch (err) {
          p = Promise.reject(err);
        }
        return p.finally(release);
      };
      if (active < limit) {
        active++;
        return start();
      }
      return new Promise<T>((resolve, reject) => {
        queue.push(() => start().then(resolve, reject));
      });
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
  };
}
