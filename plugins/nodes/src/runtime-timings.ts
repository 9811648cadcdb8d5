/** The longest and the latest run of one kind of work, ms (the plugin's clock). */
export interface WorkTiming {
  runs: number;
  lastMs: number;
  maxMs: number;
}

/**
 * How long the plugin's periodic and per-batch work holds its isolate (served with the
 * settings, under `status.timings`): a request to the plugin waits behind whatever runs, so
 * these are where an API tail comes from. Synchronous parts only (awaited host calls excluded).
 */
export class RuntimeTimings {
  readonly work: Record<'tick' | 'deliver' | 'liveFlush' | 'loadFlush', WorkTiming> = {
    tick: { runs: 0, lastMs: 0, maxMs: 0 },
    deliver: { runs: 0, lastMs: 0, maxMs: 0 },
    liveFlush: { runs: 0, lastMs: 0, maxMs: 0 },
    loadFlush: { runs: 0, lastMs: 0, maxMs: 0 },
  };

  /** Runs `fn`, counting its duration under `kind`. */
  time<T>(kind: keyof RuntimeTimings['work'], fn: () => T): T {
    const t0 = Date.now();
    try {
      return fn();
    } finally {
      const w = this.work[kind];
      const ms = Date.now() - t0;
      w.runs++;
      w.lastMs = ms;
      if (ms > w.maxMs) w.maxMs = ms;
    }
  }
}
