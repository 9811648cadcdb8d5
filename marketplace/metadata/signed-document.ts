import { FlattenedSign } from 'jose';
import type { FlattenedJws } from './metadata-schemas.js';
import type { SigningKey } from './signing-key.js';

/** A document signed by several keys: JWS General JSON serialization (one payload, many signatures). */
export interface SignedDocument {
  payload: string;
  signatures: Array<{ protected: string; signature: string }>;
}

/** Header `typ` of each signed kind, so a signature for one role never passes as another's. */
export const TYP = {
  root: 'omega-root+jws',
  timestamp: 'omega-timestamp+jws',
  index: 'omega-index+jws',
  release: 'omega-release+jws',
} as const;

/** Signs `body` (as JSON) with one key: a flattened JWS, EdDSA, header `kid` and `typ`. */
export function signFlattened(body: unknown, key: SigningKey, typ: string): Promise<FlattenedJws> {
  return new FlattenedSign(new TextEncoder().encode(JSON.stringify(body)))
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ })
    .sign(key.privateKey) as Promise<FlattenedJws>;
}

/** Signs `body` with every key in `keys` (same payload bytes) as one multi-signature document. */
export async function signDocument(
  body: unknown,
  keys: readonly SigningKey[],
  typ: string,
): Promise<SignedDocument> {
  const sigs = await Promise.all(keys.map((k) => signFlattened(body, k, typ)));
  const payload = sigs[0]?.payload ?? Buffer.from(JSON.stringify(body)).toString('base64url');
  return { payload, signatures: sigs.map((s) => ({ protected: s.protected, signature: s.signature })) };
}

/** The payload of a signed document or flattened JWS, decoded WITHOUT verification (for publishing tools). */
export function unverifiedPayload<T>(doc: { payload: string }): T {
  return JSON.parse(Buffer.from(doc.payload, 'base64url').toString('utf8')) as T;
}
