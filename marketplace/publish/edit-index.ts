import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { omegaError, parseManifest } from '@omega/protocol';
import { decodeArchive } from '@omega/protocol/archive';
import {
  type FlattenedJws,
  type IndexDoc,
  type PublicKey,
  type SigningKey,
  signDocument,
  TYP,
  unverifiedPayload,
} from '../metadata/index.js';
import { keyIdOf } from '../metadata/signing-key.js';
import { DEFAULT_EXPIRY_SEC, expiresIn, readRepoDocument, writeRepoDocument } from './repository-files.js';
import { signRelease } from './sign-release.js';

/** Keys that sign the index, and its lifetime. */
export interface IndexSigning {
  dir: string;
  keys: readonly SigningKey[];
  now?: Date;
  expiresInSec?: number;
}

/** Applies `mutate` to the index, bumps its version and re-signs it. Bump the timestamp afterwards. */
export async function editIndex(o: IndexSigning, mutate: (index: IndexDoc) => void): Promise<IndexDoc> {
  const { body } = await readRepoDocument<IndexDoc>(o.dir, 'index.json');
  mutate(body);
  body.version += 1;
  body.expires = expiresIn(o.expiresInSec ?? DEFAULT_EXPIRY_SEC.index, o.now);
  await writeRepoDocument(o.dir, 'index.json', await signDocument(body, o.keys, TYP.index));
  return body;
}

/** Adds (or replaces the keys of) a publisher. */
export async function addPublisher(
  o: IndexSigning & { name: string; publisherKeys: readonly PublicKey[] },
): Promise<IndexDoc> {
  const keys: Record<string, PublicKey> = {};
  for (const k of o.publisherKeys) keys[await keyIdOf(k)] = { kty: k.kty, crv: k.crv, x: k.x };
  return editIndex(o, (index) => {
    index.publishers[o.name] = { keys };
  });
}

/**
 * Adds a release: copies the artifact to `artifacts/<name>-<version>.omp`, has the publisher key
 * sign the statement (or takes one signed elsewhere in `jws`), and lists it in the index.
 */
export async function addRelease(
  o: IndexSigning & {
    artifactFile: string;
    publisher: string;
    publisherKey?: SigningKey;
    jws?: FlattenedJws;
  },
): Promise<{ plugin: string; version: string; index: IndexDoc }> {
  const artifact = await readFile(o.artifactFile);
  let jws = o.jws;
  if (!jws) {
    if (!o.publisherKey)
      throw omegaError('OMEGA_ERR_VALIDATION', 'addRelease needs the publisher key or a signed statement.');
    const m = parseManifest(decodeArchive(artifact).manifest, `plugin.json in ${o.artifactFile}`);
    const url = `artifacts/${m.name}-${m.version}.omp`;
    jws = (await signRelease({ artifact, url, publisher: o.publisher, key: o.publisherKey })).jws;
  }
  const statement = unverifiedPayload<{ plugin: string; version: string; artifact: { url: string } }>(jws);
  if (!/^[a-z]+:/i.test(statement.artifact.url)) {
    await mkdir(join(o.dir, 'artifacts'), { recursive: true });
    await copyFile(o.artifactFile, join(o.dir, statement.artifact.url));
  }
  const index = await editIndex(o, (idx) => {
    idx.plugins[statement.plugin] ??= { publisher: o.publisher, versions: {} };
    const entry = idx.plugins[statement.plugin]!;
    if (entry.publisher !== o.publisher)
      throw omegaError(
        'OMEGA_ERR_CONFLICT',
        `Plugin "${statement.plugin}" belongs to publisher "${entry.publisher}", not "${o.publisher}".`,
      );
    entry.versions[statement.version] = { release: jws };
  });
  return { plugin: statement.plugin, version: statement.version, index };
}

/** Yanks (no new installs) or revokes (installed copies are stopped) a release, with a reason. */
export async function setReleaseStatus(
  o: IndexSigning & { plugin: string; version: string; state: 'yanked' | 'revoked'; reason: string },
): Promise<IndexDoc> {
  return editIndex(o, (idx) => {
    const v = idx.plugins[o.plugin]?.versions[o.version];
    if (!v)
      throw omegaError('OMEGA_ERR_NOT_FOUND', `The index lists no release ${o.plugin}@${o.version}.`, {
        plugin: o.plugin,
        version: o.version,
      });
    v.status = { state: o.state, reason: o.reason, at: (o.now ?? new Date()).toISOString() };
  });
}
