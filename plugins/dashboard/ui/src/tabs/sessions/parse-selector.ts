/** Parses `key=value, key2=value2` into a label selector. */
export function parseSelector(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const [k, ...v] = part.split('=');
    const key = k?.trim();
    if (key) out[key] = v.join('=').trim();
  }
  return out;
}
