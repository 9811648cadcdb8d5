import { formatManifest } from './format-manifest.js';

/** The fields the build owns in the built manifest. */
export interface BuildFields {
  main: string;
  integrity: string;
}

/**
 * The built manifest's text: the author's manifest (`sourceText`, already valid JSON) with
 * `main` and `integrity` set — in place when the author wrote them, else right after `engines` —
 * laid out by {@link formatManifest}. Same input → same bytes.
 */
export function builtManifestText(source: Record<string, unknown>, fields: BuildFields): string {
  const out: Record<string, unknown> = {};
  const pending: Record<string, unknown> = { ...fields };
  const flush = () => {
    for (const [k, v] of Object.entries(pending)) out[k] = v;
    for (const k of Object.keys(pending)) delete pending[k];
  };
  for (const [key, value] of Object.entries(source)) {
    if (key in fields) {
      out[key] = fields[key as keyof BuildFields];
      delete pending[key];
      continue;
    }
    out[key] = value;
    if (key === 'engines') flush();
  }
  flush();
  return formatManifest(out);
}
