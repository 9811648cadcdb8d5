import { computeIntegrity } from '@omega/protocol/archive';
import {
  checkExpiry,
  type IndexDoc,
  type RootDoc,
  type TimestampDoc,
  untrusted,
  verifyNextRoot,
  verifyRoleDocument,
  verifySelfSignedRoot,
} from '../metadata/index.js';
import { type DownloadProgress, readSource } from './read-source.js';
import { loadTrustedState, saveTrustedState } from './trusted-state.js';

/** Download caps per document (endless-data protection); the index is also capped by the timestamp. */
export const METADATA_CAPS = { root: 256 * 1024, timestamp: 16 * 1024, index: 32 * 1024 * 1024 } as const;
/** At most this many root versions are walked in one refresh. */
export const MAX_ROOT_STEPS = 64;

/** Fresh, verified metadata of one source. */
export interface VerifiedMetadata {
  source: string;
  root: RootDoc;
  timestamp: TimestampDoc;
  index: IndexDoc;
}

/** Options of {@link refreshMetadata}. */
export interface RefreshOptions {
  /** The source: an http(s) URL or a local directory. */
  location: string;
  /** Where this source's trusted state lives. */
  stateDir: string;
  now?: Date;
  onProgress?: (p: DownloadProgress) => void;
}

const sameKeys = (a: RootDoc, b: RootDoc, role: 'timestamp' | 'index') =>
  JSON.stringify([...a.roles[role].keys].sort()) === JSON.stringify([...b.roles[role].keys].sort()) &&
  a.roles[role].threshold === b.roles[role].threshold;

/**
 * The TUF client workflow, kept small: walk the root chain (`N+1.root.json`…) from the last
 * trusted root, refuse an expired root; fetch the timestamp (signatures, expiry, never older);
 * fetch the index it pins (length and sha512 must match, signatures, expiry, version equal to
 * the pinned one and never older); then persist the new trusted state. Nothing is persisted
 * when any step fails.
 */
export async function refreshMetadata(o: RefreshOptions): Promise<VerifiedMetadata> {
  const now = o.now ?? new Date();
  const source = o.location;
  const state = await loadTrustedState(o.stateDir);
  if (!state)
    throw untrusted(
      { source, role: 'root' },
      'malformed',
      'no trusted root for this source',
      'a pinned root',
      'none',
    );
  const progress = o.onProgress ? { onProgress: o.onProgress } : {};
  let root = await verifySelfSignedRoot(state.root, `${source} (trusted state)`);
  const firstRoot = root;
  let rootText = state.root;
  for (let step = 0; step < MAX_ROOT_STEPS; step++) {
    const next = await readSource(source, `${root.version + 1}.root.json`, {
      maxBytes: METADATA_CAPS.root,
      ctx: { source, role: 'root' },
      optional: true,
      ...progress,
    });
    if (!next) break;
    root = await verifyNextRoot(next, root, source);
    rootText = Buffer.from(next).toString('utf8');
  }
  checkExpiry(root.expires, now, { source, role: 'root' });
  // After a key change of a role, versions seen under the old keys no longer bind (TUF 5.3.11).
  let { timestampVersion, indexVersion } = state;
  if (!sameKeys(firstRoot, root, 'timestamp')) timestampVersion = 0;
  if (!sameKeys(firstRoot, root, 'index')) indexVersion = 0;

  const tsBytes = await readSource(source, 'timestamp.json', {
    maxBytes: METADATA_CAPS.timestamp,
    ctx: { source, role: 'timestamp' },
    ...progress,
  });
  const timestamp = await verifyRoleDocument(tsBytes!, 'timestamp', root, source, now);
  if (timestamp.version < timestampVersion)
    throw untrusted(
      { source, role: 'timestamp' },
      'rollback',
      'timestamp version went down',
      `>= ${timestampVersion}`,
      timestamp.version,
    );
  if (timestamp.index.version < indexVersion)
    throw untrusted(
      { source, role: 'index' },
      'rollback',
      'the timestamp pins an older index',
      `>= ${indexVersion}`,
      timestamp.index.version,
    );

  const pin = timestamp.index;
  const indexBytes = await readSource(source, 'index.json', {
    maxBytes: Math.min(pin.length, METADATA_CAPS.index),
    ctx: { source, role: 'index' },
    ...progress,
  });
  const bytes = indexBytes!;
  if (bytes.byteLength !== pin.length)
    throw untrusted(
      { source, role: 'index' },
      'length-mismatch',
      'index length differs from the timestamp',
      pin.length,
      bytes.byteLength,
    );
  const integrity = computeIntegrity(bytes);
  if (integrity !== pin.integrity)
    throw untrusted(
      { source, role: 'index' },
      'hash-mismatch',
      'index sha512 differs from the timestamp',
      pin.integrity,
      integrity,
    );
  const index = await verifyRoleDocument(bytes, 'index', root, source, now);
  if (index.version !== pin.version)
    throw untrusted(
      { source, role: 'index' },
      'version-mismatch',
      'index version differs from the timestamp',
      pin.version,
      index.version,
    );

  await saveTrustedState(
    o.stateDir,
    { root: rootText, timestampVersion: timestamp.version, indexVersion: index.version },
    bytes,
  );
  return { source, root, timestamp, index };
}

/** Pins a source's first root (given by the operator out of band): it must carry its own root threshold. */
export async function trustRoot(stateDir: string, rootText: string, source: string): Promise<RootDoc> {
  const root = await verifySelfSignedRoot(rootText, source);
  await saveTrustedState(stateDir, { root: rootText, timestampVersion: 0, indexVersion: 0 });
  return root;
}
