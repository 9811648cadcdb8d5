import { isSmallOrderEd25519X, type PluginManifest, parseManifest } from '@omega/protocol';
import { decodeArchive, signingPayload } from '@omega/protocol/archive';
import { compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import semver from 'semver';
import { omegaError } from '../../errors/index.js';
import { archivedPluginFiles } from './archived-plugin-files.js';
import type { TrustedPublisher } from './trusted-publishers.js';

/** A plugin archive that passed every check: shape, manifest, integrity, signature, engines. */
export interface VerifiedPlugin {
  manifest: PluginManifest;
  /** plugin.json exactly as signed. */
  manifestText: string;
  bundle: Buffer;
  /** The UI files (manifest `ui`), keyed by their path under `ui.root`, matching `ui.integrity`. */
  ui?: ReadonlyMap<string, Buffer>;
  publisher: { kid: string; name?: string };
}

/** Options of {@link verifyPluginArchive}. */
export interface VerifyArchiveOptions {
  trusted: readonly TrustedPublisher[];
  kernelVersion: string;
  maxBytes?: number;
}

const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

function sigError(message: string, extras: Record<string, unknown> = {}) {
  return omegaError('OMEGA_ERR_SIGNATURE_INVALID', message, extras);
}

/**
 * Verifies a packed plugin before anything touches the disk: archive shape, manifest schema,
 * its files (the bundle named by `main` matching `integrity`, and for a manifest with `ui`
 * exactly the files under `ui.root` matching `ui.integrity`: see archivedPluginFiles), a
 * detached EdDSA JWS by a trusted publisher over the manifest+bundle digest (the manifest's
 * digest covers `ui.integrity`), and `engines.omega` covering this kernel.
 */
export async function verifyPluginArchive(
  bytes: Uint8Array,
  opts: VerifyArchiveOptions,
): Promise<VerifiedPlugin> {
  const archive = decodeArchive(bytes, opts.maxBytes);
  const source = 'plugin.json (in the archive)';
  const manifest = parseManifest(archive.manifest, source);
  const { bundle, ui } = archivedPluginFiles(archive, manifest, source);
  const jws = archive.signature;
  if (jws === undefined)
    throw sigError('The archive is not signed; sign it with omega-plugin sign, then pack it.');
  const parts = jws.split('.');
  if (parts.length !== 3 || parts[1] !== '')
    throw sigError('The signature must be a detached compact JWS (header..signature).');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jws);
  } catch {
    throw sigError('The signature header cannot be decoded.');
  }
  if (header.alg !== 'EdDSA')
    throw sigError(`The signature uses ${String(header.alg)}; only EdDSA (Ed25519) is accepted.`);
  const publisher = opts.trusted.find((p) => p.kid === header.kid);
  if (!publisher) {
    throw sigError(
      `The plugin is signed by publisher key ${String(header.kid)}, which this kernel does not trust; if you trust it, run: omega plugin trust <publisher.public.jwk>.`,
      { kid: header.kid ?? null },
    );
  }
  // A key trusted before small-order points were refused (trusted-publisher-routes) verifies forgeries.
  if (isSmallOrderEd25519X(String(publisher.jwk.x)))
    throw sigError(
      `Publisher key ${publisher.kid} is a point of small order: signatures can be forged for it; forget it (DELETE /api/v1/plugins/publishers/${publisher.kid}) and ask the publisher for a real key.`,
      { kid: publisher.kid },
    );
  const payload = signingPayload(manifest.name, manifest.version, archive.manifest, bundle);
  try {
    const key = await importJWK(publisher.jwk, 'EdDSA');
    await compactVerify(`${parts[0]}.${b64url(payload)}.${parts[2]}`, key, { algorithms: ['EdDSA'] });
  } catch {
    throw sigError(
      `The signature by ${publisher.kid} does not match this manifest and bundle (altered after signing?).`,
      {
        kid: publisher.kid,
      },
    );
  }
  if (!semver.satisfies(opts.kernelVersion, manifest.engines.omega, { includePrerelease: true })) {
    throw omegaError(
      'OMEGA_ERR_PLUGIN_INCOMPATIBLE',
      `${manifest.name}@${manifest.version} needs omega ${manifest.engines.omega}; this kernel is ${opts.kernelVersion}.`,
      { plugin: manifest.name, engines: manifest.engines.omega, kernel: opts.kernelVersion },
    );
  }
  return {
    manifest,
    manifestText: archive.manifest,
    bundle,
    ...(ui ? { ui } : {}),
    publisher: { kid: publisher.kid, ...(publisher.name ? { name: publisher.name } : {}) },
  };
}
