const WIDTH = 110;

function render(value: unknown, indent: string, prefixLen: number): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => v === null || typeof v !== 'object')) {
      const flat = `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
      if (prefixLen + flat.length + 1 <= WIDTH) return flat;
    }
    const inner = `${indent}  `;
    return `[\n${value.map((v) => inner + render(v, inner, inner.length)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return '{}';
    const inner = `${indent}  `;
    const lines = entries.map(([k, v]) => {
      const head = `${inner}${JSON.stringify(k)}: `;
      return head + render(v, inner, head.length);
    });
    return `{\n${lines.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/**
 * A manifest as JSON text laid out the way the repository's formatter (Biome, width 110) lays it
 * out: objects expanded, arrays of scalars on one line when they fit.
 */
export function formatManifest(manifest: unknown): string {
  return `${render(manifest, '', 0)}\n`;
}
