import { describe, expect, it } from 'vitest';
import { type CachedDecision, DecisionCache, type Principal } from '../../kernel/auth/index.js';

/*
 * The decision cache files a credential under a slot numbered from its last few characters and
 * confirms a hit by comparing the whole key (or the whole `Bearer <key>` header). Tokens that
 * share any ending, or differ anywhere else, must be told apart: a token is known only when it
 * is, byte for byte, one that passed verification.
 */

const decision = (id: string): CachedDecision => ({
  principal: { id, kind: 'user', permissions: ['*:read'] } as Principal,
  sub: id,
  credentialId: id,
  expiresAt: Number.MAX_SAFE_INTEGER,
});

/** A JWT-shaped token: header, payload, then a signature that ends in `tail`. */
const jwt = (payload: string, tail: string) =>
  `eyJhbGciOiJFZERTQSJ9.${payload}.${'s'.repeat(80)}${tail}`.slice(0, 200);

describe('decision cache: tokens that share an ending', () => {
  for (const shared of [1, 6, 7, 12, 40]) {
    it(`tells apart two tokens whose last ${shared} characters are the same`, () => {
      const tail = 'Q'.repeat(shared);
      const a = `${'a'.repeat(60)}A${tail}`;
      const b = `${'a'.repeat(60)}B${tail}`;
      const c = new DecisionCache();
      c.set(a, decision('a'), c.generation);
      // Only `a` passed: `b` is not known, by key or by header, however much of it matches.
      expect(c.get(b, 0)).toBeUndefined();
      expect(c.getAuthorization(`Bearer ${b}`, 0)).toBeUndefined();
      expect(c.getAuthorization(`Bearer ${a}`, 0)?.principal.id).toBe('a');
      c.set(b, decision('b'), c.generation);
      // Both verified: each is answered with its own decision or not at all (a shared slot displaces).
      for (const [key, id] of [
        [a, 'a'],
        [b, 'b'],
      ] as const) {
        const byKey = c.get(key, 0);
        const byHeader = c.getAuthorization(`Bearer ${key}`, 0);
        if (byKey !== undefined) expect(byKey.principal.id).toBe(id);
        if (byHeader !== undefined) expect(byHeader.principal.id).toBe(id);
      }
      expect(c.get(b, 0)?.principal.id).toBe('b');
    });
  }

  it('a token that differs only in its payload, signature ending the same, is not known', () => {
    const verified = jwt('eyJzdWIiOiJ1LTEifQ', 'XYZ123');
    const forged = jwt('eyJzdWIiOiJ1LTIifQ', 'XYZ123');
    expect(forged).not.toBe(verified);
    const c = new DecisionCache();
    c.set(verified, decision('u-1'), c.generation);
    expect(c.getAuthorization(`Bearer ${forged}`, 0)).toBeUndefined();
    expect(c.get(forged, 0)).toBeUndefined();
    expect(c.getAuthorization(`Bearer ${verified}`, 0)?.principal.id).toBe('u-1');
  });
});
