import { UsageError } from './command.js';

/**
 * `pairs` as an object; a key given twice is a usage error naming it and `where` it was given
 * (`--set`, `nodes label`): the last one won silently, so `nodes label vm a=1 a=2` set a=2 and
 * `--set placement=a,placement=b` sent only b. Keys are own properties (`__proto__` included).
 */
export function uniquePairs<V>(pairs: Iterable<readonly [string, V]>, where: string): Record<string, V> {
  const seen = new Map<string, V>();
  for (const [key, value] of pairs) {
    if (seen.has(key))
      throw new UsageError(
        `${where} gives the key ${JSON.stringify(key)} more than once; give each key once`,
      );
    seen.set(key, value);
  }
  return Object.fromEntries(seen);
}
