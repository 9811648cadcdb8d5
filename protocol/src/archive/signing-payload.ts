import { createHash } from 'node:crypto';
import { computeIntegrity } from './integrity.js';

/** What a publisher signs: the manifest's digest and the bundle's integrity, with name and version. */
export interface SignedPluginClaims {
  typ: 'omega-plugin-signature/1';
  name: string;
  version: string;
  /** `sha512-<base64>` of plugin.json's exact bytes. */
  manifest: string;
  /** `sha512-<base64>` of the bundle (equal to the manifest's `integrity` when it is honest). */
  bundle: string;
}

/**
 * The JWS payload (UTF-8 JSON, fixed key order) for a manifest text and its bundle. Signer and
 * verifier both compute it from the archive's contents, so the JWS can travel detached.
 */
export function signingPayload(
  name: string,
  version: string,
  manifestText: string,
  bundle: Uint8Array,
): string {
  const claims: SignedPluginClaims = {
    typ: 'omega-plugin-signature/1',
    name,
    version,
    manifest: `sha512-${createHash('sha512').update(manifestText, 'utf8').digest('base64')}`,
    bundle: computeIntegrity(bundle),
  };
  return JSON.stringify(claims);
}
