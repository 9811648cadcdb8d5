import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { isSmallOrderEd25519, isSmallOrderEd25519X } from '@omega/protocol';
import { ed25519PublicKey, verifyEd25519 } from '@omega/protocol/agent-wire';
import { publisherKey } from '@omega/protocol/archive';
import { describe, expect, it } from 'vitest';
import { agentPublicKey } from '../../kernel/auth/request-signing.js';
import { publicKeySchema } from '../../marketplace/metadata/metadata-schemas.js';

/** The forgery a small-order key admits: R the identity point, S = 0. */
const FORGED = Buffer.concat([Buffer.from([1]), Buffer.alloc(63)]);

/** The first of `tries` messages the forged signature verifies for under public key `x`, or -1. */
function forgeable(x: Buffer, tries: number): number {
  let key: ReturnType<typeof createPublicKey>;
  try {
    key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: x.toString('base64url') }, format: 'jwk' });
  } catch {
    return -2; // not importable: no key at all
  }
  for (let i = 0; i < tries; i++) if (verify(null, Buffer.from(`archive ${i}`), key, FORGED)) return i;
  return -1;
}

/*
 * Found by review: a publisher key of 32 bytes that Node imports may still be no key. The
 * identity point (x = AQAA…) verified the forged signature for any archive, so trusting it
 * would let anyone publish under it. Each listed point is shown weak here by forging for it.
 */
describe('Ed25519 public keys of small order', () => {
  const ys = [
    '0100000000000000000000000000000000000000000000000000000000000000',
    '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
    'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
    'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
    '0000000000000000000000000000000000000000000000000000000000000000',
    'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p: 0, non-canonical
    'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p + 1: 1, non-canonical
  ];

  it('are recognised in both signs, and each admits the forgery (within 200 messages)', () => {
    for (const hex of ys)
      for (const sign of [0, 0x80]) {
        const x = Buffer.from(hex, 'hex');
        x[31] = ((x[31] ?? 0) & 0x7f) | sign;
        expect(isSmallOrderEd25519(x), `${hex} sign ${sign}`).toBe(true);
        // the isolate-safe base64url form (no Buffer) agrees with the byte form
        expect(isSmallOrderEd25519X(x.toString('base64url')), `${hex} sign ${sign}`).toBe(true);
        expect(forgeable(x, 200), `${hex} sign ${sign}`).not.toBe(-1);
      }
  });

  it('a real key is not, and admits no forgery', () => {
    for (let n = 0; n < 5; n++) {
      const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
      const x = Buffer.from(String(jwk.x), 'base64url');
      expect(isSmallOrderEd25519(x)).toBe(false);
      expect(isSmallOrderEd25519X(String(jwk.x))).toBe(false);
      expect(forgeable(x, 50)).toBe(-1);
    }
  });

  /*
   * Every place that takes an Ed25519 public key refuses one of small order (second review of
   * the publisher check): an agent's identity key at the hello and when its signed requests are
   * verified, a publisher key wherever it is read, a marketplace root's key in its metadata.
   */
  it('is refused by every reader of a public key: agent identity, agent request signing, publisher, marketplace metadata', async () => {
    const identity = Buffer.concat([Buffer.from([1]), Buffer.alloc(31)]).toString('base64url');
    const negZero = Buffer.concat([Buffer.alloc(31), Buffer.from([0x80])]).toString('base64url');
    const real = String(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x);
    for (const x of [identity, negZero]) {
      expect(ed25519PublicKey(x)).toBeUndefined();
      expect(verifyEd25519(x, 'hello transcript', FORGED.toString('base64url'))).toBe(false);
      expect(() => agentPublicKey(x)).toThrow(/usable/);
      await expect(publisherKey({ kty: 'OKP', crv: 'Ed25519', x })).rejects.toMatchObject({
        code: 'OMEGA_ERR_VALIDATION',
        extras: { errors: [{ field: 'jwk.x' }] },
      });
      const parsed = publicKeySchema.safeParse({ kty: 'OKP', crv: 'Ed25519', x });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.message).toMatch(/small order/);
    }
    for (const notAKey of ['', 'AQ', `AQ${'A'.repeat(42)}`, `+Q${'A'.repeat(41)}`])
      expect(isSmallOrderEd25519X(notAKey), notAKey).toBe(false);
    expect(ed25519PublicKey(real)).toBeDefined();
    expect(agentPublicKey(real).asymmetricKeyType).toBe('ed25519');
    expect((await publisherKey({ kty: 'OKP', crv: 'Ed25519', x: real })).jwk.x).toBe(real);
    expect(publicKeySchema.safeParse({ kty: 'OKP', crv: 'Ed25519', x: real }).success).toBe(true);
  });
});
