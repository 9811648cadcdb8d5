/**
 * An error reported by a plugin host, reduced to a short code and message. The host is as
 * untrusted as the plugin in it: anything that is not a string becomes the generic failure.
 */
export function toPluginError(v: unknown): { code: string; message: string } {
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  return {
    code: typeof o.code === 'string' ? o.code.slice(0, 64) : 'OMEGA_ERR_PLUGIN_FAILED',
    message: typeof o.message === 'string' ? o.message.slice(0, 1024) : 'plugin failed',
  };
}
