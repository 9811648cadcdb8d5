/** Labels of a series; `node` is always present on a stored series. */
export type Labels = Readonly<Record<string, string>>;

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:.]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Escapes a label value as in the Prometheus text format (backslash, quote, newline). */
export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Label names in canonical order: `node` first, then the rest sorted. */
export function labelOrder(labels: Labels): string[] {
  return Object.keys(labels).sort((a, b) =>
    a === 'node' ? -1 : b === 'node' ? 1 : a < b ? -1 : a > b ? 1 : 0,
  );
}

/** The canonical id of a series, e.g. `cpu.busy{node="n1",cpu="total"}`. */
export function seriesId(name: string, labels: Labels): string {
  const keys = labelOrder(labels);
  if (keys.length === 0) return name;
  return `${name}{${keys.map((k) => `${k}="${escapeLabelValue(labels[k] ?? '')}"`).join(',')}}`;
}

/** True when `name` is a valid series name (letters, digits, `_`, `:`, `.`). */
export function isSeriesName(name: string): boolean {
  return NAME.test(name);
}

/**
 * Parses `name` or `name{label="value",…}` (the form {@link seriesId} writes, also used as a
 * selector). Returns null when the text is not of that form.
 */
export function parseSeriesId(text: string): { name: string; labels: Record<string, string> } | null {
  const brace = text.indexOf('{');
  const name = brace < 0 ? text : text.slice(0, brace);
  if (!NAME.test(name)) return null;
  const labels: Record<string, string> = {};
  if (brace < 0) return { name, labels };
  if (!text.endsWith('}')) return null;
  const body = text.slice(brace + 1, -1);
  let i = 0;
  while (i < body.length) {
    const eq = body.indexOf('=', i);
    if (eq < 0) return null;
    const key = body.slice(i, eq).trim();
    if (!LABEL.test(key) || body[eq + 1] !== '"' || Object.hasOwn(labels, key)) return null;
    let j = eq + 2;
    let value = '';
    for (; j < body.length && body[j] !== '"'; j++) {
      if (body[j] === '\\') {
        const next = body[++j];
        value += next === 'n' ? '\n' : (next ?? '');
      } else value += body[j];
    }
    if (j >= body.length) return null;
    labels[key] = value;
    i = j + 1;
    while (body[i] === ' ') i++;
    if (i < body.length) {
      if (body[i] !== ',') return null;
      i++;
    }
  }
  return { name, labels };
}

/** True when a series with `name`/`labels` matches a selector (same name, selector labels equal). */
export function matchesSelector(
  selector: { name: string; labels: Labels },
  name: string,
  labels: Labels,
): boolean {
  if (selector.name !== name) return false;
  for (const k of Object.keys(selector.labels)) if (labels[k] !== selector.labels[k]) return false;
  return true;
}
