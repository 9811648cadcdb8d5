import { setFlagsFromString } from 'node:v8';

/**
 * This host process's own V8 `gc`, for its idle settle (create-idle-settle.ts): the host starts
 * with `--expose-gc` (spawn-host.ts's HOST_NODE_FLAGS), so V8 gave its main context a `gc` global
 * at start; this takes it, clears the global, and turns the flag off, so no context made later —
 * an isolate's default context, the plugin's — is given one. Taking it from a throwaway `vm`
 * context instead kept that whole context alive with the function: 144 KB of every host's heap.
 * Undefined when the host started without the flag: the settle then makes the throwaway context
 * as before. Throws (the host fails to start) when the flag cannot be turned off. Call it before
 * any isolate exists.
 */
export function takeHostGc(): (() => void) | undefined {
  const scope = globalThis as { gc?: unknown };
  const gc = scope.gc;
  // Fails closed: were the flag to stay on, every context made later would get `gc`.
  setFlagsFromString('--no-expose-gc');
  if (typeof gc !== 'function') return undefined;
  scope.gc = undefined;
  return gc as () => void;
}
