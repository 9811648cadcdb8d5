import type { PluginManifest } from '@omega/protocol';
import { canonicalJson } from './canonical-json.js';
import { type TrustContext, untrusted } from './untrusted.js';

function firstDifference(
  a: unknown,
  b: unknown,
  path: string,
): { path: string; a: unknown; b: unknown } | null {
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    if (Array.isArray(a) !== Array.isArray(b)) return { path, a, b };
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const sub = Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k;
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], sub);
      if (d) return d;
    }
    return null;
  }
  return Object.is(a, b) ? null : { path, a, b };
}

/**
 * Refuses an artifact whose plugin.json differs from the signed release statement in any
 * field (after both are parsed, so defaults are filled in the same way); names the first
 * differing field with the signed value as expected and the artifact's as actual.
 */
export function compareManifests(
  signed: PluginManifest,
  inArtifact: PluginManifest,
  ctx: TrustContext,
): void {
  const d = firstDifference(signed, inArtifact, '');
  if (d) {
    throw untrusted(
      ctx,
      'manifest-mismatch',
      `plugin.json field "${d.path}" differs from the signed release statement`,
      canonicalJson(d.a),
      canonicalJson(d.b),
    );
  }
}
