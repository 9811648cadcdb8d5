/** One term of a label selector. */
export type SelectorTerm =
  | { op: 'eq' | 'ne'; key: string; value: string }
  | { op: 'exists' | 'absent'; key: string };

/** Label keys and values as nodes accept them (`[prefix/]name`, ≤ 63 of letters, digits, `._-`). */
const KEY = /^(?:[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?\/)?[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
const VALUE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$/;
/** Longest selector accepted. */
export const MAX_SELECTOR = 1024;

/**
 * Parses a node selector, the grammar of the nodes API: comma-separated `k=v` (`k==v`), `k!=v`,
 * `k` (has the label), `!k` (lacks it); every term must hold. Answers the terms or what is wrong.
 */
export function parseSelector(text: string): { terms: SelectorTerm[] } | { error: string } {
  if (text.length > MAX_SELECTOR) return { error: `is longer than ${MAX_SELECTOR} characters` };
  const terms: SelectorTerm[] = [];
  for (const raw of text.split(',')) {
    const t = raw.trim();
    if (t === '') continue;
    const ne = t.indexOf('!=');
    const eq = t.indexOf('=');
    let term: SelectorTerm;
    if (ne > 0) term = { op: 'ne', key: t.slice(0, ne).trim(), value: t.slice(ne + 2).trim() };
    else if (eq > 0)
      term = {
        op: 'eq',
        key: t.slice(0, eq).trim(),
        value: t.slice(t[eq + 1] === '=' ? eq + 2 : eq + 1).trim(),
      };
    else if (t.startsWith('!')) term = { op: 'absent', key: t.slice(1).trim() };
    else term = { op: 'exists', key: t };
    if (!KEY.test(term.key)) return { error: `"${t.slice(0, 80)}": not a label key` };
    if ((term.op === 'eq' || term.op === 'ne') && !VALUE.test(term.value))
      return { error: `"${t.slice(0, 80)}": not a label value` };
    terms.push(term);
  }
  return { terms };
}

/** True when `labels` satisfy every term. */
export function selectorMatches(
  terms: readonly SelectorTerm[],
  labels: Readonly<Record<string, string>>,
): boolean {
  for (const t of terms) {
    const has = Object.hasOwn(labels, t.key);
    if (t.op === 'exists' && !has) return false;
    if (t.op === 'absent' && has) return false;
    if (t.op === 'eq' && labels[t.key] !== t.value) return false;
    if (t.op === 'ne' && has && labels[t.key] === t.value) return false;
  }
  return true;
}

/** The canonical text of a selector given as text or as an object of `k: v` equalities. */
export function selectorText(v: unknown): string | undefined {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'object' && !Array.isArray(v)) {
    const parts: string[] = [];
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
      if (typeof val !== 'string') return undefined;
      parts.push(`${k}=${val}`);
    }
    return parts.join(',');
  }
  return undefined;
}
