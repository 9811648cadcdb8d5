import { formatManifest } from './format-manifest.js';

/**
 * Sets top-level string fields of a manifest's JSON text, keeping the author's layout: a field
 * already present is replaced in place; otherwise the whole document is re-laid out with the
 * field added.
 */
export function setManifestFields(text: string, fields: Record<string, string>): string {
  let out = text;
  const missing: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    const re = new RegExp(`^(  "${key}"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'm');
    const hits = out.match(new RegExp(re.source, 'gm'));
    if (hits?.length === 1) out = out.replace(re, (_m, head: string) => `${head}${JSON.stringify(value)}`);
    else missing[key] = value;
  }
  if (Object.keys(missing).length === 0) return out;
  return formatManifest({ ...(JSON.parse(out) as Record<string, unknown>), ...missing });
}
