/*
 * Node labels and the selectors that pick nodes by them — one grammar for every plugin that reads
 * a selector (the nodes listing, a session's nodeSelector), so a selector means the same wherever
 * it is typed.
 */

/** One term of a label selector; every term must hold. */
export type SelectorTerm =
  | { op: 'eq' | 'ne'; key: string; value: string }
  | { op: 'exists' | 'absent'; key: string };

/** `name` or `prefix/name`, like Kubernetes label keys (the prefix a DNS name, the name ≤ 63). */
const KEY = /^(?:[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?\/)?[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
/** Empty, or ≤ 63 of `[A-Za-z0-9._-]` starting and ending alphanumeric. */
const VALUE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$/;
/** Longest selector text accepted. */
export const MAX_SELECTOR = 1024;

/** True when `k` is a label key. */
export const isLabelKey = (k: string): boolean => k.length <= 317 && KEY.test(k);
/** True when `v` is a label value. */
export const isLabelValue = (v: string): boolean => VALUE.test(v);

const cut = (s: string): string => s.slice(0, 80);

/** One comma-separated term as written: `k=v` (`k==v`), `k!=v`, `k`, `!k`. */
function termOf(t: string): SelectorTerm {
  const ne = t.indexOf('!=');
  const eq = t.indexOf('=');
  if (ne > 0) return { op: 'ne', key: t.slice(0, ne).trim(), value: t.slice(ne + 2).trim() };
  if (eq > 0)
    return {
      op: 'eq',
      key: t.slice(0, eq).trim(),
      value: t.slice(t[eq + 1] === '=' ? eq + 2 : eq + 1).trim(),
    };
  if (t.startsWith('!')) return { op: 'absent', key: t.slice(1).trim() };
  return { op: 'exists', key: t };
}

const show = (t: SelectorTerm): string =>
  t.op === 'eq'
    ? `${t.key}=${t.value}`
    : t.op === 'ne'
      ? `${t.key}!=${t.value}`
      : t.op === 'absent'
        ? `!${t.key}`
        : t.key;

/**
 * True when two terms on the same key can never both hold (a node has at most one value per key):
 * `rack=a,rack=b` picks no node, ever — a session asking for it would wait forever.
 */
function contradiction(a: SelectorTerm, b: SelectorTerm): boolean {
  if (a.op === 'absent') return b.op === 'eq' || b.op === 'exists';
  if (b.op === 'absent') return a.op === 'eq' || a.op === 'exists';
  if (a.op === 'eq' && b.op === 'eq') return a.value !== b.value;
  if (a.op === 'eq' && b.op === 'ne') return a.value === b.value;
  if (a.op === 'ne' && b.op === 'eq') return a.value === b.value;
  return false;
}

/**
 * Parses a label selector: comma-separated `k=v` (or `k==v`), `k!=v`, `k` (has the label) and
 * `!k` (lacks it), as in Kubernetes' equality-based selectors; every term must hold. Answers the
 * terms, or what is wrong naming the term. A selector a client gives is also checked with
 * {@link unsatisfiable}; one stored earlier is read with this alone.
 */
export function parseSelector(text: string): { terms: SelectorTerm[] } | { error: string } {
  if (text.length > MAX_SELECTOR) return { error: `is longer than ${MAX_SELECTOR} characters` };
  const terms: SelectorTerm[] = [];
  for (const raw of text.split(',')) {
    const t = raw.trim();
    if (t === '') continue;
    const term = termOf(t);
    if (!isLabelKey(term.key)) return { error: `"${cut(t)}": "${cut(term.key)}" is not a label key` };
    if ((term.op === 'eq' || term.op === 'ne') && !isLabelValue(term.value))
      return { error: `"${cut(t)}": "${cut(term.value)}" is not a label value` };
    terms.push(term);
  }
  return { terms };
}

/**
 * Why no node can ever meet these terms together, or undefined: two terms on one key that
 * cannot both hold (`rack=a,rack=b`, `gpu,!gpu`), since a node has one value per label key. A
 * session asking for such a selector would wait forever; a listing would always be empty.
 */
export function unsatisfiable(terms: readonly SelectorTerm[]): string | undefined {
  for (let i = 1; i < terms.length; i++)
    for (let j = 0; j < i; j++) {
      const [a, b] = [terms[j]!, terms[i]!];
      if (a.key === b.key && contradiction(a, b))
        return `"${cut(show(a))}" and "${cut(show(b))}" can never both hold (a node has one value per label key): no node would ever match`;
    }
  return undefined;
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
    if (t.op === 'eq' && (!has || labels[t.key] !== t.value)) return false;
    if (t.op === 'ne' && has && labels[t.key] === t.value) return false;
  }
  return true;
}
