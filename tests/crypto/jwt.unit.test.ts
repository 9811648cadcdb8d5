import { decodeProtectedHeader, generateKeyPair, type JWTPayload, SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { openCrypto } from '../../kernel/crypto/index.js';
import { freshCrypto, nowSec, stealSigningKey } from './crypto-fixture.js';

const AUD = 'omega-api';
const ALG_NOT_ALLOWED = 'ERR_JOSE_ALG_NOT_ALLOWED';

/** Asserts the code, and that the message does not echo the token or any part of it. */
async function expectRejected(
  p: Promise<unknown>,
  code: string,
  token: string,
  reason?: string,
): Promise<void> {
  const err = (await p.then(
    () => undefined,
    (e: unknown) => e,
  )) as { code?: string; message?: string; extras?: { reason?: string } } | undefined;
  expect(err, 'verification should fail').toBeDefined();
  expect(err?.code).toBe(code);
  if (reason) expect(err?.extras?.reason).toBe(reason);
  for (const part of token.split('.').filter((s) => s.length > 8)) expect(err?.message).not.toContain(part);
}

/** A token signed with the keyring's real private key, but with any header and claims. */
async function forge(
  dataDir: string,
  claims: JWTPayload,
  header: Record<string, unknown> = {},
): Promise<string> {
  const { kid, key } = await stealSigningKey(dataDir);
  return new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT', ...header }).sign(key);
}

const good = (over: JWTPayload = {}): JWTPayload => ({
  iss: 'omega',
  aud: AUD,
  sub: 'u1',
  iat: nowSec(),
  exp: nowSec() + 300,
  ...over,
});

describe('jwt: sign and verify', () => {
  it('round-trips claims with iss, aud, sub, iat, exp, nbf and jti', async () => {
    const { crypto } = await freshCrypto();
    const token = await crypto.signJwt(
      { role: 'admin', n: 3 },
      { subject: 'u1', audience: AUD, expiresInSec: 600, notBeforeSec: 0, jti: 'j1' },
    );
    const header = decodeProtectedHeader(token);
    expect(header).toMatchObject({ alg: 'EdDSA', typ: 'JWT', kid: crypto.keys()[0]?.kid });
    const claims = await crypto.verifyJwt(token, { audience: AUD });
    expect(claims).toMatchObject({ role: 'admin', n: 3, sub: 'u1', iss: 'omega', aud: AUD, jti: 'j1' });
    expect(claims.exp! - claims.iat!).toBe(600);
    expect(claims.nbf).toBe(claims.iat);
  });

  it('refuses reserved claims in the claims object and a non-positive lifetime', async () => {
    const { crypto } = await freshCrypto();
    await expect(crypto.signJwt({ exp: 1 }, { audience: AUD, expiresInSec: 60 })).rejects.toMatchObject({
      code: 'OMEGA_ERR_VALIDATION',
    });
    await expect(crypto.signJwt({ iss: 'evil' }, { audience: AUD, expiresInSec: 60 })).rejects.toMatchObject({
      code: 'OMEGA_ERR_VALIDATION',
    });
    await expect(crypto.signJwt({}, { audience: AUD, expiresInSec: 0 })).rejects.toMatchObject({
      code: 'OMEGA_ERR_VALIDATION',
    });
  });

  it('accepts a forged-by-the-real-key control token (the forge helper itself is sound)', async () => {
    const { crypto, dataDir } = await freshCrypto();
    await expect(crypto.verifyJwt(await forge(dataDir, good()), { audience: AUD })).resolves.toMatchObject({
      sub: 'u1',
    });
  });
});

describe('jwt: algorithm and key attacks', () => {
  it('rejects alg "none" (UnsecuredJWT)', async () => {
    const { crypto } = await freshCrypto();
    const token = new UnsecuredJWT(good()).encode();
    await expectRejected(
      crypto.verifyJwt(token, { audience: AUD }),
      'OMEGA_ERR_TOKEN_INVALID',
      token,
      ALG_NOT_ALLOWED,
    );
  });

  it('rejects HS256 signed with the public key bytes (alg confusion)', async () => {
    const { crypto } = await freshCrypto();
    const jwk = crypto.publicJwks().keys[0]!;
    const secrets = [Buffer.from(jwk.x!, 'base64url'), Buffer.from(JSON.stringify(jwk)), Buffer.from(jwk.x!)];
    for (const secret of secrets) {
      const token = await new SignJWT(good())
        .setProtectedHeader({ alg: 'HS256', kid: jwk.kid!, typ: 'JWT' })
        .sign(new Uint8Array(secret));
      await expectRejected(
        crypto.verifyJwt(token, { audience: AUD }),
        'OMEGA_ERR_TOKEN_INVALID',
        token,
        ALG_NOT_ALLOWED,
      );
    }
  });

  it('rejects RS256 and ES256 tokens, even with our kid', async () => {
    const { crypto } = await freshCrypto();
    const kid = crypto.publicJwks().keys[0]!.kid!;
    for (const alg of ['RS256', 'ES256'] as const) {
      const { privateKey } = await generateKeyPair(alg);
      const token = await new SignJWT(good()).setProtectedHeader({ alg, kid, typ: 'JWT' }).sign(privateKey);
      await expectRejected(
        crypto.verifyJwt(token, { audience: AUD }),
        'OMEGA_ERR_TOKEN_INVALID',
        token,
        ALG_NOT_ALLOWED,
      );
    }
  });

  it("rejects another keyring's token, also when its kid is relabelled to ours", async () => {
    const { crypto } = await freshCrypto();
    const { crypto: other, dataDir: otherDir } = await freshCrypto();
    const token = await other.signJwt({}, { audience: AUD, expiresInSec: 60 });
    await expectRejected(crypto.verifyJwt(token, { audience: AUD }), 'OMEGA_ERR_TOKEN_INVALID', token, 'kid');
    const ourKid = crypto.publicJwks().keys[0]!.kid!;
    const { key } = await stealSigningKey(otherDir);
    const relabelled = await new SignJWT(good())
      .setProtectedHeader({ alg: 'EdDSA', kid: ourKid, typ: 'JWT' })
      .sign(key);
    await expectRejected(
      crypto.verifyJwt(relabelled, { audience: AUD }),
      'OMEGA_ERR_TOKEN_INVALID',
      relabelled,
      'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    );
  });

  it('rejects a missing or unknown kid even when the signature is good', async () => {
    const { crypto, dataDir } = await freshCrypto();
    const noKid = await forge(dataDir, good(), { kid: undefined });
    expect(decodeProtectedHeader(noKid).kid).toBeUndefined();
    await expectRejected(crypto.verifyJwt(noKid, { audience: AUD }), 'OMEGA_ERR_TOKEN_INVALID', noKid, 'kid');
    const unknown = await forge(dataDir, good(), { kid: 'sig-unknown' });
    await expectRejected(
      crypto.verifyJwt(unknown, { audience: AUD }),
      'OMEGA_ERR_TOKEN_INVALID',
      unknown,
      'kid',
    );
  });

  it('rejects a signed JWS whose payload looks like claims (typ is not JWT)', async () => {
    const { crypto } = await freshCrypto();
    const jws = await crypto.signJws(JSON.stringify(good()));
    await expectRejected(crypto.verifyJwt(jws, { audience: AUD }), 'OMEGA_ERR_TOKEN_INVALID', jws, 'typ');
  });

  it('rejects a tampered payload, signature or header', async () => {
    const { crypto } = await freshCrypto();
    const token = await crypto.signJwt({ role: 'user' }, { audience: AUD, expiresInSec: 60 });
    const [h, p, s] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const elevated = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url');
    const flip = (str: string, i: number) =>
      str.slice(0, i) + (str[i] === 'A' ? 'B' : 'A') + str.slice(i + 1);
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    const newHeader = Buffer.from(JSON.stringify({ ...header, extra: 1 })).toString('base64url');
    for (const bad of [
      `${h}.${elevated}.${s}`,
      `${h}.${p}.${flip(s, 10)}`,
      `${newHeader}.${p}.${s}`,
      `${h}.${p}.`,
    ]) {
      await expectRejected(crypto.verifyJwt(bad, { audience: AUD }), 'OMEGA_ERR_TOKEN_INVALID', bad);
    }
  });

  it('rejects garbage, empty, oversized and non-string input', async () => {
    const { crypto } = await freshCrypto();
    for (const bad of ['', 'a.b.c', 'not a token', `${'a'.repeat(20_000)}.b.c`]) {
      await expectRejected(crypto.verifyJwt(bad, { audience: AUD }), 'OMEGA_ERR_TOKEN_INVALID', bad);
    }
    await expect(crypto.verifyJwt(42 as unknown as string, { audience: AUD })).rejects.toMatchObject({
      code: 'OMEGA_ERR_TOKEN_INVALID',
    });
  });
});

describe('jwt: claims', () => {
  it('expired beyond the 30 s tolerance is OMEGA_ERR_TOKEN_EXPIRED; within it still verifies', async () => {
    const { crypto, dataDir } = await freshCrypto();
    const old = await forge(dataDir, good({ iat: nowSec() - 600, exp: nowSec() - 60 }));
    await expectRejected(crypto.verifyJwt(old, { audience: AUD }), 'OMEGA_ERR_TOKEN_EXPIRED', old, 'exp');
    const recent = await forge(dataDir, good({ iat: nowSec() - 600, exp: nowSec() - 10 }));
    await expect(crypto.verifyJwt(recent, { audience: AUD })).resolves.toMatchObject({ sub: 'u1' });
  });

  it('requires exp', async () => {
    const { crypto, dataDir } = await freshCrypto();
    const { exp: _, ...noExp } = good();
    const token = await forge(dataDir, noExp);
    await expectRejected(crypto.verifyJwt(token, { audience: AUD }), 'OMEGA_ERR_TOKEN_INVALID', token, 'exp');
  });

  it('rejects nbf in the future beyond tolerance', async () => {
    const { crypto } = await freshCrypto();
    const later = await crypto.signJwt({}, { audience: AUD, expiresInSec: 600, notBeforeSec: 120 });
    await expectRejected(crypto.verifyJwt(later, { audience: AUD }), 'OMEGA_ERR_TOKEN_INVALID', later, 'nbf');
    const soon = await crypto.signJwt({}, { audience: AUD, expiresInSec: 600, notBeforeSec: 10 });
    await expect(crypto.verifyJwt(soon, { audience: AUD })).resolves.toBeDefined();
  });

  it('rejects iat in the future beyond tolerance', async () => {
    const { crypto, dataDir } = await freshCrypto();
    const future = await forge(dataDir, good({ iat: nowSec() + 120 }));
    await expectRejected(
      crypto.verifyJwt(future, { audience: AUD }),
      'OMEGA_ERR_TOKEN_INVALID',
      future,
      'iat',
    );
    const skewed = await forge(dataDir, good({ iat: nowSec() + 10 }));
    await expect(crypto.verifyJwt(skewed, { audience: AUD })).resolves.toBeDefined();
  });

  it('rejects a wrong or missing issuer', async () => {
    const { crypto, dataDir } = await freshCrypto();
    const sameKeysOtherIssuer = await openCrypto({ dataDir, issuer: 'someone-else' });
    const token = await sameKeysOtherIssuer.signJwt({}, { audience: AUD, expiresInSec: 60 });
    await expectRejected(crypto.verifyJwt(token, { audience: AUD }), 'OMEGA_ERR_TOKEN_INVALID', token, 'iss');
    const { iss: _, ...noIss } = good();
    const missing = await forge(dataDir, noIss);
    await expectRejected(
      crypto.verifyJwt(missing, { audience: AUD }),
      'OMEGA_ERR_TOKEN_INVALID',
      missing,
      'iss',
    );
  });

  it('rejects a wrong audience', async () => {
    const { crypto } = await freshCrypto();
    const token = await crypto.signJwt({}, { audience: 'agents', expiresInSec: 60 });
    await expectRejected(crypto.verifyJwt(token, { audience: AUD }), 'OMEGA_ERR_TOKEN_INVALID', token, 'aud');
    await expect(crypto.verifyJwt(token, { audience: 'agents' })).resolves.toMatchObject({ aud: 'agents' });
  });
});
