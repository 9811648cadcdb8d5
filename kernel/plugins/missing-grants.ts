import type { PluginManifest } from '@omega/protocol';
import { capabilityCovers, parseCapability } from '../permissions/index.js';
import type { Grants } from './grants-schema.js';

/**
 * The permissions `manifest` declares on which the operator has not decided: no grant covers
 * them and no deny covers them. A plugin with any of these must not start (the kernel says
 * which, as OMEGA_ERR_PLUGIN_NOT_GRANTED). A declared permission the operator denied counts
 * as decided: the plugin starts and the gate refuses its use. `net:fetch:*` (origins of the
 * operator's choosing) is never missing: granting no origin simply allows no fetch.
 */
export function missingGrants(
  manifest: Pick<PluginManifest, 'name' | 'permissions'>,
  grants: Grants,
): string[] {
  const mine = Object.hasOwn(grants, manifest.name) ? grants[manifest.name] : undefined;
  const granted = (mine?.granted ?? []).map(parseCapability);
  const denied = (mine?.denied ?? []).map(parseCapability);
  return manifest.permissions.filter((s) => {
    const d = parseCapability(s);
    // `net:fetch:*` asks the operator to choose origins; none chosen means no fetch, not "not decided".
    if (d.kind === 'net.fetch' && d.origin === '*') return false;
    return !granted.some((g) => capabilityCovers(g, d)) && !denied.some((x) => capabilityCovers(x, d));
  });
}
