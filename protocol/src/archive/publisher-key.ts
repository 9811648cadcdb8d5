import { createHash } from 'node:crypto';
import { isSmallOrderEd25519X } from '../crypto/ed25519-small-order.js';
import { omegaError } from '../errors/index.js';

/** A publisher's public signing key: Ed25519 as a JWK. */
export interface PublisherJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
}

/** The RFC 7638 thumbprint (SHA-256, base64url) of an Ed25519 public JWK: its key id. */
export function jwkThumbprint(jwk: PublisherJwk): string {
  // Required members only, in lexicographic order, no whitespace (RFC 7638 §3.2).
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return createHash('sha256').update(canonical, 'utf8').digest('base64url');
}

/**
 * Validates a public Ed25519 JWK (refusing private material and points of small order, under
 * which anyone can forge a signature) and returns it with its kid.
 */
export async function publisherKey(jwk: unknown): Promise<{ kid: string; jwk: PublisherJwk }> {
  const k = jwk as Partial<Record<string, unknown>> | null;
  if (
    k === null ||
    typeof k !== 'object' ||
    k.kty !== 'OKP' ||
    k.crv !== 'Ed25519' ||
    typeof k.x !== 'string'
  ) {
    throw omegaError(
      'OMEGA_ERR_VALIDATION',
      'A publisher key must be an Ed25519 public JWK (kty OKP, crv Ed25519).',
      { errors: [{ field: 'jwk', message: 'must be {"kty":"OKP","crv":"Ed25519","x":…}' }] },
    );
  }
  if ('d' in k) {
    throw omegaError(
      'OMEGA_ERR_VALIDATION',
      "That is a private key; trust the publisher's public key (*.public.jwk).",
      { errors: [{ field: 'jwk.d', message: 'private key material' }] },
    );
  }
  if (isSmallOrderEd25519X(k.x)) {
    throw omegaError(
      'OMEGA_ERR_VALIDATION',
      'That key is a point of small order: signatures can be forged for it. Ask the publisher for a real key.',
      { errors: [{ field: 'jwk.x', message: 'is a point of small order, not a usable public key' }] },
    );
  }
  const pub: PublisherJwk = { kty: 'OKP', crv: 'Ed25519', x: k.x };
  return { kid: jwkThumbprint(pub), jwk: pub };
}
