import { parseUntrustedJson } from './json-guard.js';

/** An error reported by a plugin host, as plain data. */
export interface PluginErrorData {
  code: string;
  message: string;
  /** A route error's HTTP status (400–599), as the plugin chose it (sdk `httpError`). */
  status?: number;
  /** A route error's extra problem members (plain JSON, size-capped in the isolate). */
  extras?: Record<string, unknown>;
}

const EXTRAS_MAX_CHARS = 4096;

/**
 * An error reported by a plugin host, reduced to a short code and message (and, for route
 * errors, a status and extras). The host is as untrusted as the plugin in it: anything of the
 * wrong type becomes the generic failure or is dropped.
 */
export function toPluginError(v: unknown): PluginErrorData {
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const out: PluginErrorData = {
    code: typeof o.code === 'string' ? o.code.slice(0, 64) : 'OMEGA_ERR_PLUGIN_FAILED',
    message: typeof o.message === 'string' ? o.message.slice(0, 1024) : 'plugin failed',
  };
  const status = o.status;
  if (typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599)
    out.status = status;
  const extras = o.extras;
  if (typeof extras === 'object' && extras !== null && !Array.isArray(extras)) {
    const text = JSON.stringify(extras);
    if (text.length <= EXTRAS_MAX_CHARS) out.extras = extras as Record<string, unknown>;
  }
  return out;
}

/**
 * The plugin error in the body of a host's error frame (RESULT_ERR, LOAD_FAILED), read from its
 * first 8 KB at most 8 levels deep; the generic failure when that does not parse.
 */
export function readPluginError(body: Buffer): PluginErrorData {
  try {
    return toPluginError(parseUntrustedJson(body.subarray(0, 8192).toString('utf8'), 8));
  } catch {
    return toPluginError(undefined);
  }
}
