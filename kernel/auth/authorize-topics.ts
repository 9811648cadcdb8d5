import { hasPermission, type Principal } from './principal.js';

/**
 * Topic namespaces whose events need more than `events:subscribe`: the first segment and the
 * permission a subscriber also needs. Security events (sign-ins, audit entries, revocations)
 * are for those who may read security data.
 */
export const GUARDED_TOPICS: Readonly<Record<string, string>> = Object.freeze({
  security: 'security:read',
});

/** The permission subscribing to `pattern` needs (`events:subscribe:<pattern>` is checked too). */
function guardsFor(pattern: string): string[] {
  const first = pattern.split('.')[0]!;
  if (first === '*' || first === '**') return Object.values(GUARDED_TOPICS);
  const p = GUARDED_TOPICS[first];
  return p !== undefined && Object.hasOwn(GUARDED_TOPICS, first) ? [p] : [];
}

/**
 * The first pattern `principal` may not subscribe to, or null when it may subscribe to all.
 * A pattern needs `events:subscribe` (or `events:subscribe:<pattern>`), plus the guard of every
 * guarded namespace it could match: `**` or `*.x` could match `security.…`, so a viewer is
 * refused those, not silently filtered.
 */
export function authorizeTopics(principal: Principal, patterns: readonly string[]): string | null {
  for (const pattern of patterns) {
    const base =
      hasPermission(principal, 'events:subscribe') || hasPermission(principal, `events:subscribe:${pattern}`);
    if (!base) return pattern;
    for (const guard of guardsFor(pattern)) if (!hasPermission(principal, guard)) return pattern;
  }
  return null;
}
