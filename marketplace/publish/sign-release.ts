import { parseManifest } from '@omega/protocol';
import { computeIntegrity, decodeArchive } from '@omega/protocol/archive';
import {
  type FlattenedJws,
  METADATA_SPEC,
  type ReleaseStatement,
  type SigningKey,
  signFlattened,
  TYP,
} from '../metadata/index.js';

/**
 * What a publisher signs for one artifact: its URL (relative to the marketplace, or absolute),
 * length and sha512, and the plugin.json read from inside it — so what is installed is exactly
 * what was signed.
 */
export async function signRelease(o: {
  artifact: Uint8Array;
  url: string;
  publisher: string;
  key: SigningKey;
}): Promise<{ statement: ReleaseStatement; jws: FlattenedJws }> {
  const manifestText = decodeArchive(o.artifact).manifest;
  const manifest = parseManifest(manifestText, 'plugin.json in the artifact');
  const raw = JSON.parse(manifestText) as Record<string, unknown>;
  const { $schema: _schema, ...fields } = raw;
  const statement: ReleaseStatement = {
    type: 'release',
    spec: METADATA_SPEC,
    plugin: manifest.name,
    version: manifest.version,
    publisher: o.publisher,
    artifact: { url: o.url, length: o.artifact.byteLength, integrity: computeIntegrity(o.artifact) },
    manifest: fields,
  };
  return { statement, jws: await signFlattened(statement, o.key, TYP.release) };
}
