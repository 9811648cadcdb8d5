/** Every area of the system capability, in the order the manifest docs list them. */
export const SYSTEM_AREAS = ['cpu', 'memory', 'disk', 'network', 'temperature', 'gpu', 'topology'] as const;

/** One area of the system capability (host metrics a plugin may read). */
export type SystemArea = (typeof SYSTEM_AREAS)[number];

/** Every crypto operation a plugin may be granted. */
export const CRYPTO_OPS = ['sign', 'verify', 'hash', 'password', 'random', 'seal', 'mac'] as const;

/** A crypto operation a plugin may be granted (never key material). */
export type CryptoOp = (typeof CRYPTO_OPS)[number];

/** A plugin name: it becomes a URL segment (`/api/v1/<name>`) and a storage namespace. */
export const PLUGIN_NAME_RE = /^[a-z][a-z0-9-]{1,39}$/;

/** A service name a plugin declares (`services[].name`) and others call as `<plugin>.<service>`. */
export const SERVICE_NAME_RE = /^[a-z][a-zA-Z0-9_-]{0,63}$/;

/** True when `value` is a known system area. */
export function isSystemArea(value: string): value is SystemArea {
  return (SYSTEM_AREAS as readonly string[]).includes(value);
}

/** True when `value` is a known crypto operation. */
export function isCryptoOp(value: string): value is CryptoOp {
  return (CRYPTO_OPS as readonly string[]).includes(value);
}

/** True when `value` is `<plugin>.<service>` with both names valid. */
export function isQualifiedServiceName(value: string): boolean {
  const dot = value.indexOf('.');
  if (dot < 0) return false;
  return PLUGIN_NAME_RE.test(value.slice(0, dot)) && SERVICE_NAME_RE.test(value.slice(dot + 1));
}
