import { UsageError } from './command.js';
import { uniquePairs } from './unique-pairs.js';

/**
 * `k=v,k2=v2` → labels, naming `flag` on a bad entry, an empty key or a key given twice (empty
 * entries are skipped). Spaces around each entry and around its `=` are not part of the key or
 * value: `a =1,a=2` is the key `a` twice, not `a ` and `a`.
 */
export function labelFlag(text: string, flag: string): Record<string, string> {
  const pairs: Array<[string, string]> = [];
  for (const part of text.split(',')) {
    const t = part.trim();
    if (!t) continue;
    const eq = t.indexOf('=');
    const key = eq < 0 ? '' : t.slice(0, eq).trim();
    if (!key) throw new UsageError(`${flag} takes k=v pairs separated by commas (got "${t}")`);
    pairs.push([key, t.slice(eq + 1).trim()]);
  }
  return uniquePairs(pairs, flag);
}
