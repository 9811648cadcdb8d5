import { inspect } from 'node:util';
import { CompactSign, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { freshCrypto, secretStrings, stealSigningKey } from './crypto-fixture.js';

describe('jws', () => {
  it('round-trips bytes and strings with the active kid', async () => {
    const { crypto } = await freshCrypto();
    const kid = crypto.publicJwks().keys[0]!.kid;
    const bytes = new Uint8Array([1, 2, 3, 0, 255]);
    await expect(crypto.verifyJws(await crypto.signJws(bytes))).resolves.toEqual({ payload: bytes, kid });
    const { payload } = await crypto.verifyJws(await crypto.signJws('index v1'));
    expect(Buffer.from(payload).toString()).toBe('index v1');
  });

  it('rejects tampering, foreign keys, other algorithms and JWTs', async () => {
    const { crypto, dataDir } = await freshCrypto();
    const { crypto: other } = await freshCrypto();
    const jws = await crypto.signJws('artifact');
    const [h, , s] = jws.split('.');
    const { kid, key } = await stealSigningKey(dataDir);
    const { privateKey: es } = await generateKeyPair('ES256');
    const bad = [
      `${h}.${Buffer.from('artefact').toString('base64url')}.${s}`,
      await other.signJws('artifact'),
      await new CompactSign(Buffer.from('x')).setProtectedHeader({ alg: 'ES256', kid }).sign(es),
      await new CompactSign(Buffer.from('x')).setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' }).sign(key),
      await new CompactSign(Buffer.from('x')).setProtectedHeader({ alg: 'EdDSA' }).sign(key),
      await crypto.signJwt({}, { audience: 'a', expiresInSec: 60 }),
      'garbage',
    ];
    for (const b of bad)
      await expect(crypto.verifyJws(b)).rejects.toMatchObject({ code: 'OMEGA_ERR_SIGNATURE_INVALID' });
  });

  it('publicJwks holds only public members', async () => {
    const { crypto } = await freshCrypto();
    await crypto.rotate();
    const { keys } = crypto.publicJwks();
    expect(keys).toHaveLength(2);
    for (const k of keys) expect(Object.keys(k).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
    keys[0]!.x = 'mutated';
    expect(crypto.publicJwks().keys[0]!.x).not.toBe('mutated');
  });
});

describe('no key material leaves the service', () => {
  it('JSON.stringify, util.inspect and every metadata getter contain no secret bytes', async () => {
    const { crypto, dataDir } = await freshCrypto();
    await crypto.rotate();
    const secrets = await secretStrings(dataDir);
    expect(secrets.length).toBe(6 * 3);
    const views = [
      JSON.stringify(crypto),
      inspect(crypto, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
      inspect(crypto, {
        depth: Number.POSITIVE_INFINITY,
        showHidden: true,
        customInspect: false,
        getters: true,
      }),
      JSON.stringify(crypto.keys()),
      JSON.stringify(crypto.publicJwks()),
      String(crypto),
    ];
    expect(views[0]).toContain('"keys"');
    for (const view of views) for (const secret of secrets) expect(view).not.toContain(secret);
    for (const k of crypto.keys())
      expect(Object.keys(k).sort()).toEqual(['createdAt', 'kid', 'kind', 'status']);
  });

  it('the service object cannot be extended or altered', async () => {
    const { crypto } = await freshCrypto();
    expect(Object.isFrozen(crypto)).toBe(true);
    expect(() => {
      (crypto as unknown as Record<string, unknown>).signJwt = () => 'x';
    }).toThrow(TypeError);
  });
});
