/**
 * The API path (under /api/v1, without that prefix) for a read a panel asked for: `template`
 * must be one of the panel's declared `reads`, character for character; each `{param}` is
 * filled from the slot's `context` (percent-encoded, so a value cannot add a segment), and
 * `query` becomes the query string. Undefined when the template is not declared, a parameter
 * has no value, or the query is not small plain strings: the shell then refuses the read. The
 * dashboard shell (plugins/dashboard/ui/src/shell/panels) and `testPanel` (@omega/sdk/testing) both use it.
 */
export function resolveRead(
  template: unknown,
  declared: readonly string[],
  context: Readonly<Record<string, string>>,
  query?: unknown,
): string | undefined {
  if (typeof template !== 'string' || !declared.includes(template)) return undefined;
  let missing = false;
  const path = template.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const value = Object.hasOwn(context, name) ? context[name] : undefined;
    if (value === undefined || value === '') missing = true;
    return encodeURIComponent(value ?? '');
  });
  if (missing || !path.startsWith('/api/v1/')) return undefined;
  const params = new URLSearchParams();
  if (query !== undefined) {
    if (query === null || typeof query !== 'object' || Array.isArray(query)) return undefined;
    const entries = Object.entries(query);
    if (entries.length > 8) return undefined;
    for (const [k, v] of entries) {
      if (typeof v !== 'string' || k.length > 64 || v.length > 256) return undefined;
      params.set(k, v);
    }
  }
  const qs = params.toString();
  return `${path.slice('/api/v1'.length)}${qs ? `?${qs}` : ''}`;
}
