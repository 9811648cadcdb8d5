/**
 * Freezes plain data in place (objects and arrays, recursively) so shared cached results cannot
 * be altered. Runs on every per-second read: indexes arrays and walks keys with for…in (plain
 * JSON data has no inherited enumerable keys) instead of allocating an Object.values array per node.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'object' && v !== null) deepFreeze(v);
    }
  } else {
    const o = value as Record<string, unknown>;
    for (const k in o) {
      const v = o[k];
      if (typeof v === 'object' && v !== null) deepFreeze(v);
    }
  }
  return value;
}
