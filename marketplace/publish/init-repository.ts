import { omegaError } from '@omega/protocol';
import {
  type IndexDoc,
  METADATA_SPEC,
  type RootDoc,
  type SigningKey,
  signDocument,
  type TimestampDoc,
  TYP,
} from '../metadata/index.js';
import { bumpTimestamp } from './bump-timestamp.js';
import { editIndex } from './edit-index.js';
import { DEFAULT_EXPIRY_SEC, expiresIn, writeRepoDocument } from './repository-files.js';

/** Keys and threshold of one role when creating or rotating a root. */
export interface RoleKeys {
  keys: readonly SigningKey[];
  threshold: number;
}

/** The root body for the given role keys. */
export function rootBody(
  roles: { root: RoleKeys; timestamp: RoleKeys; index: RoleKeys },
  version: number,
  expires: string,
): RootDoc {
  const keys: RootDoc['keys'] = {};
  const role = (r: RoleKeys) => {
    for (const k of r.keys) keys[k.kid] = k.publicJwk;
    return { keys: r.keys.map((k) => k.kid), threshold: r.threshold };
  };
  return {
    type: 'root',
    spec: METADATA_SPEC,
    version,
    expires,
    roles: { root: role(roles.root), timestamp: role(roles.timestamp), index: role(roles.index) },
    keys,
  };
}

/**
 * Creates a marketplace repository in `dir`: `1.root.json` (also `root.json`, the file operators
 * pin), an empty signed `index.json` (version 1) and a `timestamp.json` pinning it.
 */
export async function initRepository(o: {
  dir: string;
  root: RoleKeys;
  timestamp: RoleKeys;
  index: RoleKeys;
  now?: Date;
}): Promise<void> {
  const now = o.now ?? new Date();
  const root = rootBody(o, 1, expiresIn(DEFAULT_EXPIRY_SEC.root, now));
  const signedRoot = await signDocument(root, o.root.keys, TYP.root);
  await writeRepoDocument(o.dir, '1.root.json', signedRoot);
  await writeRepoDocument(o.dir, 'root.json', signedRoot);
  const index = {
    type: 'index',
    spec: METADATA_SPEC,
    version: 1,
    expires: expiresIn(DEFAULT_EXPIRY_SEC.index, now),
    publishers: {},
    plugins: {},
  };
  await writeRepoDocument(o.dir, 'index.json', await signDocument(index, o.index.keys, TYP.index));
  await bumpTimestamp({ dir: o.dir, keys: o.timestamp.keys, now });
}

/**
 * Rotates the root: writes `<N+1>.root.json` (and `root.json`) signed by `signers`, which must
 * include the old root threshold AND the new one for clients to accept it; then re-signs the
 * index (version + 1) and the timestamp with the new root's index and timestamp keys, so clients
 * that move to the new root accept them at once (otherwise they would be locked out until the
 * owner re-signed both). Refuses, before writing anything, when fewer private keys than a role's
 * threshold are given.
 */
export async function rotateRoot(o: {
  dir: string;
  previousVersion: number;
  roles: { root: RoleKeys; timestamp: RoleKeys; index: RoleKeys };
  signers: readonly SigningKey[];
  now?: Date;
  expiresInSec?: number;
}): Promise<{ version: number; index: IndexDoc; timestamp: TimestampDoc }> {
  for (const role of ['timestamp', 'index'] as const) {
    const r = o.roles[role];
    if (r.keys.length < r.threshold)
      throw omegaError(
        'OMEGA_ERR_VALIDATION',
        `The new root needs ${r.threshold} ${role} signature(s) but ${r.keys.length} private ${role} key(s) were given; nothing was written. Give them all: --${role}-keys k1,k2,…`,
        { errors: [{ field: `${role}-keys`, message: `at least ${r.threshold} private keys` }] },
      );
  }
  const version = o.previousVersion + 1;
  const body = rootBody(o.roles, version, expiresIn(o.expiresInSec ?? DEFAULT_EXPIRY_SEC.root, o.now));
  const signed = await signDocument(body, o.signers, TYP.root);
  await writeRepoDocument(o.dir, `${version}.root.json`, signed);
  await writeRepoDocument(o.dir, 'root.json', signed);
  const index = await editIndex(
    { dir: o.dir, keys: o.roles.index.keys, ...(o.now ? { now: o.now } : {}) },
    () => {},
  );
  const timestamp = await bumpTimestamp({
    dir: o.dir,
    keys: o.roles.timestamp.keys,
    ...(o.now ? { now: o.now } : {}),
  });
  return { version, index, timestamp };
}
