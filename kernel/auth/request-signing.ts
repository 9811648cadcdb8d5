import { createHash, type KeyObject, sign, verify } from 'node:crypto';
import { ed25519PublicKey } from '@omega/protocol/agent-wire';

/** The scheme's name; it is the first line of what is signed, so a signature cannot be reused elsewhere. */
export const SIGNATURE_SCHEME = 'omega-sig-v1';

/** Request headers of the scheme (lower case). */
export const SIGNATURE_HEADERS = {
  keyId: 'x-omega-key-id',
  timestamp: 'x-omega-timestamp',
  nonce: 'x-omega-nonce',
  contentSha256: 'x-omega-content-sha256',
  signature: 'x-omega-signature',
} as const;

/** The parts of a request a signature covers. */
export interface SignedParts {
  method: string;
  /** Path with the query string, exactly as sent (e.g. `/api/v1/nodes/n1/heartbeat?x=1`). */
  url: string;
  /** Epoch ms. */
  timestamp: number;
  nonce: string;
  /** Hex SHA-256 of the body bytes (of the empty string when there is no body). */
  contentSha256: string;
}

/** Hex SHA-256 of a body (empty for none). */
export function bodySha256(body: Uint8Array | string | undefined): string {
  return createHash('sha256')
    .update(body ?? '')
    .digest('hex');
}

/** The exact bytes signed: scheme, method, url, timestamp, nonce and body hash, one per line. */
export function canonicalRequest(p: SignedParts): string {
  return [
    SIGNATURE_SCHEME,
    p.method.toUpperCase(),
    p.url,
    String(p.timestamp),
    p.nonce,
    p.contentSha256,
  ].join('\n');
}

/**
 * An Ed25519 public key from its raw 32 bytes in base64url. Throws for anything else and for a
 * point of small order (every signature could be forged for it).
 */
export function agentPublicKey(raw: string): KeyObject {
  const key = ed25519PublicKey(raw);
  if (!key) throw new TypeError('not a usable Ed25519 public key');
  return key;
}

/**
 * What a node agent calls: the headers that sign one request with its Ed25519 private key.
 * `nonce` must be fresh per request (16–64 characters of base64url).
 */
export function signRequest(input: {
  method: string;
  url: string;
  body?: Uint8Array | string;
  keyId: string;
  privateKey: KeyObject;
  nonce: string;
  timestamp?: number;
}): Record<string, string> {
  const parts: SignedParts = {
    method: input.method,
    url: input.url,
    timestamp: input.timestamp ?? Date.now(),
    nonce: input.nonce,
    contentSha256: bodySha256(input.body),
  };
  const signature = sign(null, Buffer.from(canonicalRequest(parts)), input.privateKey).toString('base64url');
  return {
    [SIGNATURE_HEADERS.keyId]: input.keyId,
    [SIGNATURE_HEADERS.timestamp]: String(parts.timestamp),
    [SIGNATURE_HEADERS.nonce]: parts.nonce,
    [SIGNATURE_HEADERS.contentSha256]: parts.contentSha256,
    [SIGNATURE_HEADERS.signature]: signature,
  };
}

/** True when `signature` (base64url) is `key`'s Ed25519 signature of the request's canonical form. */
export function verifyRequestSignature(p: SignedParts, signature: string, key: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(canonicalRequest(p)), key, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}
