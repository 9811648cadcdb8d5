import { type ErrorCode, type OmegaError, omegaError } from '../errors/index.js';
import type { LoadedPlugin } from './host-session.js';
import { parseUntrustedJson } from './json-guard.js';
import { readPluginError } from './to-plugin-error.js';

/**
 * Route callers a host keeps per session (at most; the host says how many it accepts when it
 * loads). Beyond this many principal × address pairs calling in rotation, callers are sent whole again.
 */
const CALLER_SLOTS = 512;
/**
 * Caller slots per MB of the plugin's isolate heap limit: a kept viewer-shaped caller is ~0.8 KB
 * of isolate heap, so the default 64 MB keeps 512 (~0.4 MB) and the smallest (8 MB) 64.
 */
const CALLER_SLOTS_PER_MB = 8;

/**
 * What a host's answer to LOAD says (`ok`: a LOADED frame, else LOAD_FAILED; either body is
 * untrusted): the plugin's exports and, when the host keeps route callers, how many caller slots
 * the session keeps for it (what the host accepts, capped by {@link CALLER_SLOTS} and the plugin's
 * heap); or the coded error the load fails with.
 */
export function readLoaded(
  body: Buffer,
  ok: boolean,
  plugin: string,
  memoryMb: number,
): { loaded: LoadedPlugin; callerSlots: number | undefined } | { error: OmegaError } {
  let info: Record<string, unknown> | undefined;
  try {
    info = parseUntrustedJson(body.toString('utf8'), 4) as Record<string, unknown>;
  } catch {
    info = undefined;
  }
  if (!ok || !info || typeof info !== 'object' || 'code' in info) {
    const e = readPluginError(body);
    const code: ErrorCode = e.code === 'OMEGA_ERR_MANIFEST_INVALID' ? e.code : 'OMEGA_ERR_PLUGIN_FAILED';
    return { error: omegaError(code, `Plugin "${plugin}" did not load: ${e.message}`, { plugin }) };
  }
  // A host that keeps route callers says how many slots it accepts (an older one says nothing).
  const slots = info.callerSlots;
  const callerSlots =
    typeof slots === 'number' && Number.isInteger(slots) && slots > 0
      ? Math.min(slots, CALLER_SLOTS, memoryMb * CALLER_SLOTS_PER_MB)
      : undefined;
  const names = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, 1000) : [];
  return {
    loaded: {
      routes: names(info.routes),
      services: names(info.services),
      setup: info.setup === true,
      activate: info.activate === true,
      deactivate: info.deactivate === true,
    },
    callerSlots,
  };
}
