import { bytes } from '../../format-bytes.js';
import { listingLine } from '../../listing-line.js';
import type { Obj } from './flags.js';

/** `n` and its unit, singular for 1 (`1 core`, not `1 cores`). */
const count = (n: number | undefined, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function limitsText(l: Obj): string {
  const parts: string[] = [];
  const v = (x: unknown): number | undefined =>
    typeof x === 'object' && x !== null ? (x as { limit: number }).limit : (x as number | undefined);
  if (v(l.cores) !== undefined) parts.push(count(v(l.cores), 'core', 'cores'));
  if (v(l.memoryBytes) !== undefined) parts.push(bytes(v(l.memoryBytes)));
  if (v(l.gpus) !== undefined) parts.push(count(v(l.gpus), 'GPU', 'GPUs'));
  if (v(l.sessions) !== undefined) parts.push(count(v(l.sessions), 'session', 'sessions'));
  return parts.join(', ') || 'no limits';
}

/**
 * The human text of a `sessions quota` answer: the list, `me` (limits and use), a removal, or one
 * quota — `user alice (u-…)` when it was given by `username`.
 */
export function quotaText(sub: string | undefined, data: unknown, username?: string): string {
  const d = data as Obj;
  if (sub === 'list') {
    const items = d.items as Array<{
      scope: string;
      name: string;
      limits: Obj;
      updatedBy: string;
      updatedAt: string;
    }>;
    if (!items.length) return 'no quotas';
    return items
      .map((q) =>
        listingLine([
          { text: q.scope, width: 5 },
          { text: q.name, width: 20 },
          limitsText(q.limits),
          '',
          `(by ${q.updatedBy} at ${q.updatedAt})`,
        ]),
      )
      .join('\n');
  }
  if (sub === 'me') {
    const u = d.used as { cores: number; memoryBytes: number; gpus: number; sessions: number };
    const field = (label: string, text: string) => listingLine([{ text: label, width: 8 }, text]);
    return [
      field(
        'user',
        `${d.user}${(d.roles as string[]).length ? ` (roles ${(d.roles as string[]).join(', ')})` : ''}`,
      ),
      field('limits', limitsText(d.limits as Obj)),
      field(
        'in use',
        `${count(u.cores, 'core', 'cores')}, ${bytes(u.memoryBytes)}, ${count(u.gpus, 'GPU', 'GPUs')}, ${count(u.sessions, 'session', 'sessions')}`,
      ),
    ].join('\n');
  }
  if (sub === 'rm') return 'quota removed';
  const q = d as { scope: string; name: string; limits: Obj; version: number };
  const who = username ? `${username} (${q.name})` : q.name;
  return listingLine([`${q.scope} ${who}: ${limitsText(q.limits)} (version ${q.version})`]);
}
