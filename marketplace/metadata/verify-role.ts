import {
  type IndexDoc,
  indexSchema,
  type RootDoc,
  rootSchema,
  type TimestampDoc,
  timestampSchema,
} from './metadata-schemas.js';
import { checkExpiry, parsePayload, parseSignedDocument } from './parse-signed.js';
import { TYP } from './signed-document.js';
import { type TrustContext, untrusted } from './untrusted.js';
import { verifyThreshold } from './verify-threshold.js';

const keysOf = (root: RootDoc, role: keyof RootDoc['roles']) =>
  Object.fromEntries(root.roles[role].keys.map((k) => [k, root.keys[k]!]));

/**
 * Verifies a timestamp or index document against the trusted root: signatures by distinct
 * keys of that role up to its threshold, then the schema, then the expiry.
 */
export async function verifyRoleDocument(
  bytes: Uint8Array | string,
  role: 'timestamp',
  root: RootDoc,
  source: string,
  now: Date,
): Promise<TimestampDoc>;
export async function verifyRoleDocument(
  bytes: Uint8Array | string,
  role: 'index',
  root: RootDoc,
  source: string,
  now: Date,
): Promise<IndexDoc>;
export async function verifyRoleDocument(
  bytes: Uint8Array | string,
  role: 'timestamp' | 'index',
  root: RootDoc,
  source: string,
  now: Date,
): Promise<TimestampDoc | IndexDoc> {
  const ctx: TrustContext = { source, role };
  const doc = parseSignedDocument(bytes, ctx);
  const { payload } = await verifyThreshold({
    ...doc,
    typ: TYP[role],
    keys: keysOf(root, role),
    threshold: root.roles[role].threshold,
    ctx,
  });
  const body = parsePayload(payload, role === 'timestamp' ? timestampSchema : indexSchema, ctx);
  checkExpiry(body.expires, now, ctx);
  return body;
}

/**
 * Verifies the next root in the chain: signed by the threshold of the TRUSTED root's root
 * keys and by the threshold of its own, with version exactly one more. Expiry is checked by
 * the caller on the last root of the chain only (as TUF does).
 */
export async function verifyNextRoot(
  bytes: Uint8Array | string,
  trusted: RootDoc,
  source: string,
): Promise<RootDoc> {
  const ctx: TrustContext = { source, role: 'root' };
  const doc = parseSignedDocument(bytes, ctx);
  const { payload } = await verifyThreshold({
    ...doc,
    typ: TYP.root,
    keys: keysOf(trusted, 'root'),
    threshold: trusted.roles.root.threshold,
    ctx,
  });
  const next = parsePayload(payload, rootSchema, ctx);
  await verifyThreshold({
    ...doc,
    typ: TYP.root,
    keys: keysOf(next, 'root'),
    threshold: next.roles.root.threshold,
    ctx,
  });
  if (next.version !== trusted.version + 1) {
    throw untrusted(
      ctx,
      'version-mismatch',
      'root versions must follow one another',
      trusted.version + 1,
      next.version,
    );
  }
  return next;
}

/** Verifies a root document with its OWN root keys (the first, operator-pinned root). */
export async function verifySelfSignedRoot(bytes: Uint8Array | string, source: string): Promise<RootDoc> {
  const ctx: TrustContext = { source, role: 'root' };
  const doc = parseSignedDocument(bytes, ctx);
  const root = parsePayload(Buffer.from(doc.payload, 'base64url'), rootSchema, ctx);
  await verifyThreshold({
    ...doc,
    typ: TYP.root,
    keys: keysOf(root, 'root'),
    threshold: root.roles.root.threshold,
    ctx,
  });
  return root;
}
