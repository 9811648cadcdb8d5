import { splitPattern } from '../events/validate-topic.js';

/**
 * True when every topic `requested` can match is also matched by `granted` (both are bus
 * patterns: `*` one segment, a final `**` any number ≥ 0). A concrete topic is a pattern
 * without wildcards, so this also answers "does `granted` match this topic". Throws
 * OMEGA_ERR_TOPIC_INVALID for an invalid pattern.
 */
export function patternCovers(granted: string, requested: string): boolean {
  return segmentsCover(splitPattern(granted), splitPattern(requested));
}

/** {@link patternCovers} on pre-split, already validated patterns. */
export function segmentsCover(g: readonly string[], r: readonly string[]): boolean {
  for (let i = 0; ; i++) {
    const gs = g[i];
    const rs = r[i];
    if (gs === '**') return true;
    if (gs === undefined) return rs === undefined;
    if (rs === undefined || rs === '**') return false;
    if (rs === '*' ? gs !== '*' : gs !== '*' && gs !== rs) return false;
  }
}

/** True when some topic is matched by both patterns (used so a narrow deny beats a broad allow). */
export function patternsOverlap(a: string, b: string): boolean {
  return segmentsOverlap(splitPattern(a), splitPattern(b));
}

/** {@link patternsOverlap} on pre-split, already validated patterns. */
export function segmentsOverlap(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; ; i++) {
    const as = a[i];
    const bs = b[i];
    if (as === '**' || bs === '**') return true;
    if (as === undefined || bs === undefined) return as === bs;
    if (as !== '*' && bs !== '*' && as !== bs) return false;
  }
}

/**
 * The pattern matching exactly the topics both patterns match, or null when they share none
 * (e.g. `nodes.*` ∩ `*.up` = `nodes.up`; `nodes.**` ∩ `*.a.*` = `nodes.a.*`).
 */
export function patternIntersection(a: string, b: string): string | null {
  const out = segmentsIntersection(splitPattern(a), splitPattern(b));
  return out === null ? null : out.join('.');
}

/** {@link patternIntersection} on pre-split, already validated patterns. */
export function segmentsIntersection(a: readonly string[], b: readonly string[]): string[] | null {
  const out: string[] = [];
  for (let i = 0; ; i++) {
    const as = a[i];
    const bs = b[i];
    if (as === '**') return out.concat(b.slice(i));
    if (bs === '**') return out.concat(a.slice(i));
    if (as === undefined || bs === undefined) return as === bs ? out : null;
    if (as === '*') out.push(bs);
    else if (bs === '*' || as === bs) out.push(as);
    else return null;
  }
}
