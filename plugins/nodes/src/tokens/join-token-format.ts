import { toBase64url } from '../crypto/base64url.js';
import { sha256 } from '../crypto/sha256.js';

/** The prefix every join token starts with (so a token in a log or a paste is recognisable). */
export const JOIN_TOKEN_PREFIX = 'omg-join';

/** The parts of a join token. */
export interface JoinTokenParts {
  /** Public id: names the token in lists, audit entries and revocations (12 base64url characters). */
  id: string;
  /** The secret (43 base64url characters, 256 bits); only its SHA-256 is stored. */
  secret: string;
  /** SHA-256 of the kernel's TLS certificate (DER), base64url, when the kernel serves TLS. */
  certSha256?: string;
}

const ID = /^[A-Za-z0-9_-]{12}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;
const DIGEST = /^[A-Za-z0-9_-]{43}$/;

/**
 * `omg-join.<id>.<secret>[.<certSha256>]`: base64url parts separated by dots. The agent reads
 * the certificate hash and refuses a kernel whose certificate does not match it; the kernel's
 * gateway plugin looks the token up by id and compares the secret's SHA-256.
 */
export function formatJoinToken(p: JoinTokenParts): string {
  return [JOIN_TOKEN_PREFIX, p.id, p.secret, ...(p.certSha256 ? [p.certSha256] : [])].join('.');
}

/** The parts of `token`, or undefined when it is not a join token of this format. */
export function parseJoinToken(token: string): JoinTokenParts | undefined {
  if (token.length > 256) return undefined;
  const [prefix, id, secret, cert, ...extra] = token.split('.');
  if (prefix !== JOIN_TOKEN_PREFIX || extra.length > 0) return undefined;
  if (!id || !ID.test(id) || !secret || !SECRET.test(secret)) return undefined;
  if (cert !== undefined && !DIGEST.test(cert)) return undefined;
  return cert === undefined ? { id, secret } : { id, secret, certSha256: cert };
}

/** What is stored instead of the secret: base64url(SHA-256(secret)). */
export function secretDigest(secret: string): string {
  const bytes = new Uint8Array(secret.length);
  for (let i = 0; i < secret.length; i++) bytes[i] = secret.charCodeAt(i) & 0xff;
  return toBase64url(sha256(bytes));
}
