/**
 * Wraps `read` so that concurrent callers share one in-flight read, and callers within `ttlMs`
 * of the start of the last successful read get its result. A failed read is not kept: every
 * caller waiting on it sees the failure, the next call reads again. Time is measured from the
 * read's start, so a caller sampling every `ttlMs` always gets a fresh value.
 */
export function shared<T>(
  read: () => Promise<T>,
  ttlMs: number,
  now: () => number = () => performance.now(),
): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  let last: { value: T; startedAt: number } | undefined;
  return () => {
    if (inFlight) return inFlight;
    const startedAt = now();
    if (last && startedAt - last.startedAt < ttlMs) return Promise.resolve(last.value);
    const p = (async () => read())();
    inFlight = p;
    p.then(
      (value) => {
        last = { value, startedAt };
        if (inFlight === p) inFlight = undefined;
      },
      () => {
        if (inFlight === p) inFlight = undefined;
      },
    );
    return p;
  };
}
