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
