import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { omegaError } from '@omega/protocol';
import {
  computeUiIntegrity,
  decodeArchive,
  encodeArchive,
  PLUGIN_ARCHIVE_FORMAT,
  PLUGIN_ARCHIVE_FORMAT_UI,
  publisherKey,
  readUiFolder,
  signingPayload,
} from '@omega/protocol/archive';
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

/** Largest archive a kernel unpacks (decodeArchive's bound, the kernel's MAX_ARCHIVE_BYTES). */
const MAX_UNPACKED_BYTES = 16 * 1024 * 1024;

/**
 * The UI files of a plugin with a `ui`, as the archive carries them (`<ui.root>/<path>`):
 * read as the build sealed them (no symlinks, no dot-files, bounded; see readUiFolder) and
 * refused unless they still match the built manifest's `ui.integrity` (rebuild).
 */
async function uiFiles(dir: string, root: string, integrity: string): Promise<Record<string, string>> {
  const files = await readUiFolder(join(dir, root)).catch((err: Error) => {
    throw omegaError(
      'OMEGA_ERR_MANIFEST_INVALID',
      `The UI folder ${root}/ cannot be packed: ${err.message.replace(/\.$/, '')}; run omega-plugin build.`,
      { field: 'ui.root' },
    );
  });
  if (computeUiIntegrity(files) !== integrity)
    throw omegaError(
      'OMEGA_ERR_MANIFEST_INVALID',
      `The files under ${root}/ changed since the build (they do not match ui.integrity); run omega-plugin build and sign again.`,
      { field: 'ui.integrity' },
    );
  return Object.fromEntries([...files].map(([path, body]) => [`${root}/${path}`, body.toString('base64')]));
}

/**
 * Packs a built, signed plugin into ONE file `<name>-<version>.omega-plugin` in `outDir`: a
 * gzip'd JSON `{ format, manifest, files: { <main>: base64, … }, signature }` where `manifest` is
 * dist/plugin.json's text. A plugin with a `ui` also carries every file under `ui.root` (at
 * `<ui.root>/<path>`, format omega-plugin-archive/2; covered by the signature through the
 * manifest's `ui.integrity`); one without stays format /1, as before. Refuses a dist/ or UI
 * folder older than the build (rebuild), a signature that no longer matches the manifest and
 * bundle (sign again after every build), and an archive larger than a kernel unpacks.
 */
export async function packPlugin(dir: string, outDir: string): Promise<PackedPlugin> {
  await assertBuildCurrent(dir);
  const { manifest, manifestText, bundle } = await readPluginFiles(dir);
  const ui = manifest.ui ? await uiFiles(dir, manifest.ui.root, manifest.ui.integrity) : undefined;
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
  // The same key checks as signing (a point of small order is no key: anything verifies under it).
  const { jwk } = await publisherKey(sig.publicKey);
  try {
    await compactVerify(`${h}.${payload}.${s}`, await importJWK(jwk, 'EdDSA'), {
      algorithms: ['EdDSA'],
    });
  } catch {
    throw omegaError(
      'OMEGA_ERR_SIGNATURE_INVALID',
      'The signature does not match the current manifest and bundle; run omega-plugin sign again.',
    );
  }
  const archive = encodeArchive({
    format: ui ? PLUGIN_ARCHIVE_FORMAT_UI : PLUGIN_ARCHIVE_FORMAT,
    manifest: manifestText,
    files: { [manifest.main]: bundle.toString('base64'), ...ui },
    signature: sig.jws,
  });
  try {
    decodeArchive(archive, MAX_UNPACKED_BYTES); // what a kernel will do first
  } catch {
    throw omegaError(
      'OMEGA_ERR_MANIFEST_INVALID',
      `${manifest.name} packs to more than ${MAX_UNPACKED_BYTES} bytes unpacked (base64 inside), more than a kernel accepts; make the bundle or the UI smaller.`,
      { field: 'files' },
    );
  }
  const file = join(outDir, `${manifest.name}-${manifest.version}.omega-plugin`);
  await writeFileAtomic(file, archive);
  return { file, name: manifest.name, version: manifest.version, kid: sig.kid, bytes: archive.length };
}
