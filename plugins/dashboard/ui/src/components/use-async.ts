import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

/** The state of one asynchronous read. */
export interface AsyncState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Reads again (keeps the old data on screen meanwhile). */
  reload(): void;
  /** Replaces the data locally (e.g. from a live event), without a request. */
  mutate(fn: (old: T | undefined) => T | undefined): void;
}

/** Runs `load` when `deps` change (aborting the previous read) and on `reload()`. */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): AsyncState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const ctl = new AbortController();
    setLoading(true);
    loadRef.current(ctl.signal).then(
      (d) => {
        if (ctl.signal.aborted) return;
        setData(d);
        setError(undefined);
        setLoading(false);
      },
      (err: unknown) => {
        if (ctl.signal.aborted) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => ctl.abort();
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const mutate = useCallback((fn: (old: T | undefined) => T | undefined) => setData(fn), []);
  return { data, error, loading, reload, mutate };
}
