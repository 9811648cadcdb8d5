import { flattenedVerify, importJWK } from 'jose';
import type { PublicKey } from './metadata-schemas.js';
import { type TrustContext, untrusted } from './untrusted.js';

/** Signatures beyond this many are not even looked at (a document cannot make a client spin). */
export const MAX_SIGNATURES = 32;

/** What {@link verifyThreshold} checks a payload against. */
export interface ThresholdCheck {
  payload: string;
  signatures: ReadonlyArray<{ protected: string; signature: string }>;
  /** The header `typ` this role's signatures must carry. */
  typ: string;
  /** The keys allowed to sign, by kid. */
  keys: Readonly<Record<string, PublicKey>>;
  threshold: number;
  ctx: TrustContext;
}

function header(p: string): Record<string, unknown> | null {
  try {
    const h = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    return h !== null && typeof h === 'object' ? h : null;
  } catch {
    return null;
  }
}

/**
 * Verifies each signature on its own with `flattenedVerify` and counts DISTINCT keys (by key
 * material, not kid) whose signature is valid. Fewer than `threshold` is
 * OMEGA_ERR_MARKETPLACE_UNTRUSTED (reason `signature-threshold`) naming both counts. Returns the
 * payload bytes and the kids that signed.
 */
export async function verifyThreshold(
  c: ThresholdCheck,
): Promise<{ payload: Uint8Array; signers: string[] }> {
  const valid = new Map<string, string>(); // key material (x) -> kid
  let payload: Uint8Array | undefined;
  for (const sig of c.signatures.slice(0, MAX_SIGNATURES)) {
    if (typeof sig?.protected !== 'string' || typeof sig.signature !== 'string') continue;
    const h = header(sig.protected);
    if (h?.alg !== 'EdDSA' || h.typ !== c.typ || typeof h.kid !== 'string') continue;
    if (!Object.hasOwn(c.keys, h.kid)) continue;
    const jwk = c.keys[h.kid] as PublicKey;
    if (valid.has(jwk.x)) continue; // the same key twice counts once
    try {
      const key = await importJWK({ ...jwk, alg: 'EdDSA' }, 'EdDSA');
      const r = await flattenedVerify(
        { payload: c.payload, protected: sig.protected, signature: sig.signature },
        key,
        { algorithms: ['EdDSA'] },
      );
      payload = r.payload;
      valid.set(jwk.x, h.kid);
    } catch {
      // an invalid signature simply does not count
    }
  }
  if (valid.size < c.threshold || payload === undefined) {
    throw untrusted(
      c.ctx,
      'signature-threshold',
      `too few valid signatures by distinct ${c.ctx.role} keys`,
      `at least ${c.threshold}`,
      valid.size,
    );
  }
  return { payload, signers: [...valid.values()].sort() };
}
