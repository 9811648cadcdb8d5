import { splitPattern } from '@omega/protocol';

/** A pattern parsed once, matched against pre-split topics. */
export interface CompiledPattern {
  readonly source: string;
  /** True when the pattern has no wildcard (it equals exactly one topic). */
  readonly exact: boolean;
  /** The literal first segment, or null when it starts with `*` or `**`. */
  readonly first: string | null;
  matches(segments: readonly string[]): boolean;
}

/** Validates and compiles a pattern; `*` matches one segment, a final `**` any number (≥ 0). */
export function compilePattern(pattern: string): CompiledPattern {
  const segments = splitPattern(pattern);
  const anyTail = segments[segments.length - 1] === '**';
  const fixed = (anyTail ? segments.slice(0, -1) : segments).map((s) => (s === '*' ? null : s));
  const n = fixed.length;
  const prefixMatches = (t: readonly string[]): boolean => {
    for (let i = 0; i < n; i++) {
      const want = fixed[i];
      if (want !== null && want !== t[i]) return false;
    }
    return true;
  };
  return {
    source: pattern,
    exact: !anyTail && fixed.every((s) => s !== null),
    first: fixed[0] ?? null,
    matches: anyTail ? (t) => t.length >= n && prefixMatches(t) : (t) => t.length === n && prefixMatches(t),
  };
}
