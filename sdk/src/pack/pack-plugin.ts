import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { omegaError } from '@omega/protocol';
import { encodeArchive, PLUGIN_ARCHIVE_FORMAT, signingPayload } from '@omega/protocol/archive';
import { compactVerify, importJWK } from 'jose';
import { assertBuildCurrent } from '../build/assert-build-current.js';
import { writeFileAtomic } from '../build/write-file-atomic.js';
import { readPluginFiles } from '../sign/read-plugin-files.js';
import { SIGNATURE_FILE, type SignatureFile } from '../sign/sign-plugin.js';

/** What {@link packPlugin} wrote. */
export interface PackedPlugin {
  file: string;
  name: string;
  version: string;
  kid: string;
  bytes: number;
}

/**
 * Packs a built, signed plugin into ONE file `<name>-<version>.omega-plugin` in `outDir`: a
 * gzip'd JSON `{ format, manifest, files: { <main>: base64 }, signature }` where `manifest` is
 * dist/plugin.json's text. Refuses a dist/ older than its sources (rebuild) and a signature that
 * no longer matches the manifest and bundle (sign again after every build), and a plugin with a
 * `ui` (the archive does not carry the UI files yet, so no kernel could load it).
 */
export async function packPlugin(dir: string, outDir: string): Promise<PackedPlugin> {
  await assertBuildCurrent(dir);
  const { manifest, manifestText, bundle } = await readPluginFiles(dir);
  if (manifest.ui)
    // the archive carries the bundle only; a kernel would place it without its ui/ and fail to load it
    throw omegaError(
      'OMEGA_ERR_MANIFEST_INVALID',
      `${manifest.name} has a ui (${manifest.ui.root}/), which an archive cannot carry yet; install the built folder (dist/ and ${manifest.ui.root}/) into the kernel's plugins folder instead (docs/plugin-guide.md, Dashboard panels).`,
      { field: 'ui' },
    );
  let sig: SignatureFile;
  try {
    sig = JSON.parse(await readFile(join(dir, SIGNATURE_FILE), 'utf8')) as SignatureFile;
  } catch {
    throw omegaError(
      'OMEGA_ERR_SIGNATURE_INVALID',
      `${SIGNATURE_FILE} is missing; run omega-plugin sign --key <publisher.private.jwk>.`,
    );
  }
  const [h, , s] = sig.jws.split('.');
  const payload = Buffer.from(signingPayload(manifest.name, manifest.version, manifestText, bundle)).toString(
    'base64url',
  );
  try {
    await compactVerify(`${h}.${payload}.${s}`, await importJWK(sig.publicKey, 'EdDSA'), {
      algorithms: ['EdDSA'],
    });
  } catch {
    throw omegaError(
      'OMEGA_ERR_SIGNATURE_INVALID',
      'The signature does not match the current manifest and bundle; run omega-plugin sign again.',
    );
  }
  const archive = encodeArchive({
    format: PLUGIN_ARCHIVE_FORMAT,
    manifest: manifestText,
    files: { [manifest.main]: bundle.toString('base64') },
    signature: sig.jws,
  });
  const file = join(outDir, `${manifest.name}-${manifest.version}.omega-plugin`);
  await writeFileAtomic(file, archive);
  return { file, name: manifest.name, version: manifest.version, kid: sig.kid, bytes: archive.length };
}
