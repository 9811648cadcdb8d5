import { hasErrorCode, type PluginManifest, parseManifest } from '@omega/protocol';
import { type IndexDoc, type ReleaseStatement, releaseStatementSchema } from './metadata-schemas.js';
import { ownEntry } from './own-entry.js';
import { parsePayload } from './parse-signed.js';
import { TYP } from './signed-document.js';
import { type TrustContext, untrusted } from './untrusted.js';
import { verifyThreshold } from './verify-threshold.js';

/** A release whose publisher signature checked out, with its manifest parsed. */
export interface VerifiedRelease {
  statement: ReleaseStatement;
  manifest: PluginManifest;
  /** The publisher key that signed it (kid). */
  signer: string;
  status?: IndexDoc['plugins'][string]['versions'][string]['status'];
}

function headerKid(protectedHeader: string): string {
  try {
    const kid = JSON.parse(Buffer.from(protectedHeader, 'base64url').toString('utf8')).kid;
    return typeof kid === 'string' ? kid : '(none)';
  } catch {
    return '(unreadable header)';
  }
}

/**
 * Verifies the publisher-signed release statement of `plugin@version` in a verified index:
 * the signing key must be one of the plugin's publisher's keys (`not-publisher` otherwise),
 * the signature valid, and the statement must name this plugin, version and publisher.
 */
export async function verifyRelease(
  index: IndexDoc,
  plugin: string,
  version: string,
  source: string,
): Promise<VerifiedRelease> {
  const ctx: TrustContext = { source, role: 'release', plugin, version };
  const entry = ownEntry(index.plugins, plugin);
  const v = ownEntry(entry?.versions, version);
  if (!entry || !v)
    throw untrusted(ctx, 'malformed', 'no such release in the index', 'a listed release', 'none');
  const publisherKeys = ownEntry(index.publishers, entry.publisher)?.keys ?? {};
  const kid = headerKid(v.release.protected);
  if (!Object.hasOwn(publisherKeys, kid)) {
    throw untrusted(
      ctx,
      'not-publisher',
      `the release is not signed by a key of publisher "${entry.publisher}"`,
      Object.keys(publisherKeys).join(' or ') || '(publisher has no keys)',
      kid,
    );
  }
  const { payload, signers } = await verifyThreshold({
    payload: v.release.payload,
    signatures: [{ protected: v.release.protected, signature: v.release.signature }],
    typ: TYP.release,
    keys: publisherKeys,
    threshold: 1,
    ctx,
  });
  const statement = parsePayload(payload, releaseStatementSchema, ctx);
  for (const [field, want] of [
    ['plugin', plugin],
    ['version', version],
    ['publisher', entry.publisher],
  ] as const) {
    if (statement[field] !== want)
      throw untrusted(
        ctx,
        'version-mismatch',
        `statement ${field} differs from the index`,
        want,
        statement[field],
      );
  }
  let manifest: PluginManifest;
  try {
    manifest = parseManifest(statement.manifest, `release statement of ${plugin}@${version}`);
  } catch (err) {
    throw untrusted(
      ctx,
      'malformed',
      hasErrorCode(err) ? err.message : 'bad manifest',
      'a valid plugin.json',
      'invalid',
    );
  }
  for (const [field, want] of [
    ['name', plugin],
    ['version', version],
  ] as const) {
    if (manifest[field] !== want)
      throw untrusted(
        ctx,
        'manifest-mismatch',
        `manifest ${field} differs from the statement`,
        want,
        manifest[field],
      );
  }
  return { statement, manifest, signer: signers[0]!, ...(v.status ? { status: v.status } : {}) };
}
