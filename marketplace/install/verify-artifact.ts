import { hasErrorCode } from '@omega/protocol';
import { computeIntegrity } from '@omega/protocol/archive';
import { type VerifiedPlugin, verifyPluginArchive } from '../../kernel/index.js';
import {
  compareManifests,
  type IndexDoc,
  type TrustContext,
  untrusted,
  type VerifiedRelease,
} from '../metadata/index.js';

/** The publisher's keys from a verified index, in the form the kernel's archive verifier takes. */
export function publisherTrust(index: IndexDoc, publisher: string) {
  return Object.entries(index.publishers[publisher]?.keys ?? {}).map(([kid, jwk]) => ({
    kid,
    jwk,
    name: publisher,
    addedAt: new Date(0).toISOString(),
  }));
}

/**
 * Checks artifact bytes against the signed release statement: length and sha512 first, then the
 * kernel's archive verification (shape, bundle integrity, the publisher's archive signature by a
 * key the index lists for this publisher, engines.omega), then plugin.json equal to the statement
 * field by field. Every refusal names plugin, version, source, role, expected and actual.
 */
export async function verifyArtifact(
  bytes: Uint8Array,
  release: VerifiedRelease,
  index: IndexDoc,
  source: string,
  kernelVersion: string,
): Promise<VerifiedPlugin> {
  const { plugin, version, artifact } = release.statement;
  const ctx: TrustContext = { source, role: 'artifact', plugin, version };
  if (bytes.byteLength !== artifact.length)
    throw untrusted(
      ctx,
      'length-mismatch',
      'artifact length differs from the release statement',
      artifact.length,
      bytes.byteLength,
    );
  const integrity = computeIntegrity(bytes);
  if (integrity !== artifact.integrity)
    throw untrusted(
      ctx,
      'hash-mismatch',
      'artifact sha512 differs from the release statement',
      artifact.integrity,
      integrity,
    );
  let v: VerifiedPlugin;
  try {
    v = await verifyPluginArchive(bytes, {
      trusted: publisherTrust(index, release.statement.publisher),
      kernelVersion,
    });
  } catch (err) {
    if (hasErrorCode(err) && err.code === 'OMEGA_ERR_PLUGIN_INCOMPATIBLE') throw err;
    throw untrusted(
      ctx,
      'malformed',
      hasErrorCode(err) ? err.message : 'unreadable archive',
      'a valid signed archive',
      'refused',
    );
  }
  compareManifests(release.manifest, v.manifest, ctx);
  return v;
}
