import { isLabelKey, isLabelValue } from './labels.js';

/** One requirement of a label selector. */
export type Requirement =
  | { op: 'eq'; key: string; value: string }
  | { op: 'ne'; key: string; value: string }
  | { op: 'exists'; key: string }
  | { op: 'absent'; key: string };

/** A parsed selector: every requirement must hold. */
export type Selector = readonly Requirement[];

/** Longest selector text accepted. */
const MAX_SELECTOR = 1024;

/**
 * Parses a label selector: comma-separated `k=v` (or `k==v`), `k!=v`, `k` (has the label) and
 * `!k` (lacks it), as in Kubernetes' equality-based selectors. Answers the selector or a
 * message naming the bad term.
 */
export function parseSelector(text: string): { selector: Selector } | { error: string } {
  if (text.length > MAX_SELECTOR) return { error: `is longer than ${MAX_SELECTOR} characters` };
  const out: Requirement[] = [];
  for (const raw of text.split(',')) {
    const term = raw.trim();
    if (term === '') continue;
    const ne = term.indexOf('!=');
    const eq = term.indexOf('=');
    let req: Requirement;
    if (ne > 0) req = { op: 'ne', key: term.slice(0, ne).trim(), value: term.slice(ne + 2).trim() };
    else if (eq > 0) {
      const value = term.slice(term[eq + 1] === '=' ? eq + 2 : eq + 1).trim();
      req = { op: 'eq', key: term.slice(0, eq).trim(), value };
    } else if (term.startsWith('!')) req = { op: 'absent', key: term.slice(1).trim() };
    else req = { op: 'exists', key: term };
    if (!isLabelKey(req.key))
      return { error: `"${term.slice(0, 80)}": "${req.key.slice(0, 80)}" is not a label key` };
    if ((req.op === 'eq' || req.op === 'ne') && !isLabelValue(req.value))
      return { error: `"${term.slice(0, 80)}": "${req.value.slice(0, 80)}" is not a label value` };
    out.push(req);
  }
  return { selector: out };
}

/** True when `labels` satisfy every requirement of `selector`. */
export function matchesSelector(selector: Selector, labels: Readonly<Record<string, string>>): boolean {
  for (const r of selector) {
    const has = Object.hasOwn(labels, r.key);
    if (r.op === 'exists' && !has) return false;
    if (r.op === 'absent' && has) return false;
    if (r.op === 'eq' && (!has || labels[r.key] !== r.value)) return false;
    if (r.op === 'ne' && has && labels[r.key] === r.value) return false;
  }
  return true;
}
