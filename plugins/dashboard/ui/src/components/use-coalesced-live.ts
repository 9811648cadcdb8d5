import { useEffect, useRef } from 'preact/hooks';
import { useLive } from './use-live.js';

/**
 * Runs `fn` (a re-read) when events matching `patterns` arrive, at most once per `minMs`: a burst
 * of events — a busy fleet reports every second — becomes one call, the first without delay. A
 * resync calls it at once. The pending call is dropped when the component unmounts.
 */
export function useCoalescedLive(patterns: readonly string[], minMs: number, fn: () => void): void {
  const run = useRef(fn);
  run.current = fn;
  const last = useRef(0);
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(pending.current), []);
  useLive(
    patterns,
    () => {
      if (pending.current) return;
      pending.current = setTimeout(
        () => {
          pending.current = undefined;
          last.current = Date.now();
          run.current();
        },
        Math.max(0, last.current + minMs - Date.now()),
      );
    },
    () => run.current(),
  );
}
