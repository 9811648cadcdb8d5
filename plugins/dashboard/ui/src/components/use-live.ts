import { useEffect, useRef } from 'preact/hooks';
import type { StreamEvent } from '../events/event-stream.js';
import { useServices } from '../shell/services.js';

/**
 * Runs `fn` for every stream event matching one of `patterns`, and `onResync` when the kernel
 * could not replay what was missed (re-read state then). Live data comes from here, never
 * from polling.
 */
export function useLive(
  patterns: readonly string[],
  fn: (e: StreamEvent) => void,
  onResync?: () => void,
): void {
  const { stream } = useServices();
  const handler = useRef(fn);
  handler.current = fn;
  const resync = useRef(onResync);
  resync.current = onResync;
  const key = patterns.join(',');
  useEffect(() => {
    const undo = key.split(',').map((p) => stream.on(p, (e) => handler.current(e)));
    const undoResync = stream.onResync(() => resync.current?.());
    return () => {
      for (const u of undo) u();
      undoResync();
    };
  }, [stream, key]);
}
