/**
 * Names no plugin may take. A plugin's name is its URL segment (`/api/v1/<name>`) and its
 * storage namespace, so these would let it shadow kernel routes or read and write the
 * kernel's own data (the `kernel` namespace holds disabled plugins and the bus sequence).
 */
export const RESERVED_PLUGIN_NAMES: ReadonlySet<string> = new Set([
  'kernel',
  'plugins',
  'events',
  'health',
  'ready',
  'system',
  'openapi',
  'marketplace',
  'api',
  'admin',
  'omega',
  // Kernel routes under /api/v1 and under /api/v1/plugins/ that a plugin's name would shadow.
  'agents',
  'ui',
  'install',
  'publishers',
]);

/** True when `name` is reserved for the kernel. */
export function isReservedPluginName(name: string): boolean {
  return RESERVED_PLUGIN_NAMES.has(name);
}
