import { UsageError } from './command.js';
import { uniquePairs } from './unique-pairs.js';

/** `k=v,k2=v2` → labels, naming `flag` on a bad entry or a key given twice (empty entries are skipped). */
export function labelFlag(text: string, flag: string): Record<string, string> {
  const pairs: Array<[string, string]> = [];
  for (const part of text.split(',')) {
    const t = part.trim();
    if (!t) continue;
    const eq = t.indexOf('=');
    if (eq <= 0) throw new UsageError(`${flag} takes k=v pairs separated by commas (got "${t}")`);
    pairs.push([t.slice(0, eq), t.slice(eq + 1)]);
  }
  return uniquePairs(pairs, flag);
}
