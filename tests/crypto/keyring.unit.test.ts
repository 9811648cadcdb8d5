import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { openCrypto } from '../../kernel/crypto/index.js';
import { fileKeys, freshCrypto, tempDir } from './crypto-fixture.js';

const posix = process.platform !== 'win32';
const AUD = 'api';

describe('keyring file', () => {
  it.skipIf(!posix)('is created on first start with mode 0600, in a data dir created 0700', async () => {
    const { crypto, dataDir } = await freshCrypto();
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dataDir, 'keyring.json'))).mode & 0o777).toBe(0o600);
    const keys = crypto.keys();
    expect(keys.map((k) => [k.kind, k.status])).toEqual([
      ['signing', 'active'],
      ['seal', 'active'],
      ['hmac', 'active'],
    ]);
    expect(new Set(keys.map((k) => k.kid)).size).toBe(3);
    expect(await readdir(dataDir)).toEqual(['keyring.json']);
  });

  it('reopening gives the same keys: old tokens, seals and MACs still work', async () => {
    const { crypto, dataDir } = await freshCrypto();
    const token = await crypto.signJwt({ a: 1 }, { audience: AUD, expiresInSec: 60 });
    const sealed = crypto.seal('secret', 'ctx');
    const mac = crypto.hmacSign('data');
    const again = await openCrypto({ dataDir });
    expect(again.keys()).toEqual(crypto.keys());
    await expect(again.verifyJwt(token, { audience: AUD })).resolves.toMatchObject({ a: 1 });
    expect(Buffer.from(again.open(sealed, 'ctx')).toString()).toBe('secret');
    expect(again.hmacVerify('data', mac)).toBe(true);
    expect(again.publicJwks()).toEqual(crypto.publicJwks());
  });

  it('two services starting at once on a fresh dir end up with one keyring', async () => {
    const dataDir = join(await tempDir(), 'data');
    const [a, b] = await Promise.all([openCrypto({ dataDir }), openCrypto({ dataDir })]);
    expect(a.keys()).toEqual(b.keys());
    const token = await a.signJwt({}, { audience: AUD, expiresInSec: 60 });
    await expect(b.verifyJwt(token, { audience: AUD })).resolves.toBeDefined();
    expect((await readdir(dataDir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it.skipIf(!posix)('refuses a group/world-readable keyring and leaves it untouched', async () => {
    const { dataDir } = await freshCrypto();
    const path = join(dataDir, 'keyring.json');
    const before = await readFile(path, 'utf8');
    for (const mode of [0o644, 0o640, 0o604, 0o660]) {
      await chmod(path, mode);
      const err = await openCrypto({ dataDir }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'OMEGA_ERR_KEYRING' });
      expect((err as Error).message).toContain('chmod 600');
      expect((await stat(path)).mode & 0o777).toBe(mode);
      expect(await readFile(path, 'utf8')).toBe(before);
    }
    await chmod(path, 0o600);
    await expect(openCrypto({ dataDir })).resolves.toBeDefined();
  });

  it('refuses a corrupt or inconsistent keyring and never rewrites it', async () => {
    const cases = [
      '{ not json',
      '',
      JSON.stringify({ format: 'omega-keyring', version: 2, keys: [] }),
      JSON.stringify({ format: 'omega-keyring', version: 1, keys: [] }),
    ];
    const { dataDir } = await freshCrypto();
    const path = join(dataDir, 'keyring.json');
    const valid = JSON.parse(await readFile(path, 'utf8'));
    const signing = valid.keys.find((k: { kind: string }) => k.kind === 'signing');
    cases.push(
      // two active signing keys
      JSON.stringify({ ...valid, keys: [...valid.keys, { ...signing, kid: 'sig-second' }] }),
      // duplicate kid
      JSON.stringify({ ...valid, keys: [...valid.keys, { ...signing, status: 'verify-only' }] }),
      // public part that does not belong to the private key
      JSON.stringify({
        ...valid,
        keys: valid.keys.map((k: { kind: string; jwk: object }) =>
          k.kind === 'signing'
            ? { ...k, jwk: { ...k.jwk, x: Buffer.alloc(32, 7).toString('base64url') } }
            : k,
        ),
      }),
      // a seal key of the wrong length
      JSON.stringify({
        ...valid,
        keys: valid.keys.map((k: { kind: string }) =>
          k.kind === 'seal' ? { ...k, jwk: { kty: 'oct', k: 'AAAA' } } : k,
        ),
      }),
    );
    for (const text of cases) {
      await writeFile(path, text, { mode: 0o600 });
      await expect(openCrypto({ dataDir })).rejects.toMatchObject({ code: 'OMEGA_ERR_KEYRING' });
      expect(await readFile(path, 'utf8')).toBe(text);
    }
  });

  it('refuses a keyring path that is a directory', async () => {
    const dataDir = await tempDir();
    await mkdir(join(dataDir, 'keyring.json'));
    await expect(openCrypto({ dataDir })).rejects.toMatchObject({ code: 'OMEGA_ERR_KEYRING' });
  });
});

describe('rotation', () => {
  it('old tokens verify after rotate, new ones use the new kid, retired ones fail', async () => {
    const { crypto, dataDir } = await freshCrypto();
    const oldKid = crypto.keys().find((k) => k.kind === 'signing')!.kid;
    const oldToken = await crypto.signJwt({}, { audience: AUD, expiresInSec: 60 });
    const oldJws = await crypto.signJws('artifact');

    const fresh = await crypto.rotate();
    expect(fresh.signing).not.toBe(oldKid);
    const newToken = await crypto.signJwt({}, { audience: AUD, expiresInSec: 60 });
    expect(decodeProtectedHeader(newToken).kid).toBe(fresh.signing);
    await expect(crypto.verifyJwt(oldToken, { audience: AUD })).resolves.toBeDefined();
    await expect(crypto.verifyJws(oldJws)).resolves.toMatchObject({ kid: oldKid });
    expect(crypto.publicJwks().keys.map((k) => k.kid)).toEqual([fresh.signing, oldKid]);
    expect(crypto.keys().find((k) => k.kid === oldKid)?.status).toBe('verify-only');

    await crypto.retire(oldKid);
    await expect(crypto.verifyJwt(oldToken, { audience: AUD })).rejects.toMatchObject({
      code: 'OMEGA_ERR_TOKEN_INVALID',
    });
    await expect(crypto.verifyJws(oldJws)).rejects.toMatchObject({ code: 'OMEGA_ERR_SIGNATURE_INVALID' });
    await expect(crypto.verifyJwt(newToken, { audience: AUD })).resolves.toBeDefined();
    expect(crypto.publicJwks().keys.map((k) => k.kid)).toEqual([fresh.signing]);
    expect((await fileKeys(dataDir)).map((k) => k.kid)).not.toContain(oldKid);
  });

  it('persists every change: a reopened service sees rotated and retired keys', async () => {
    const { crypto, dataDir } = await freshCrypto();
    const first = crypto.keys();
    await crypto.rotate();
    await crypto.retire(first[1]!.kid);
    const reopened = await openCrypto({ dataDir });
    expect(reopened.keys()).toEqual(crypto.keys());
    expect(reopened.keys()).toHaveLength(5);
    expect((await fileKeys(dataDir)).map((k) => `${k.kid}:${k.status}`)).toEqual(
      crypto.keys().map((k) => `${k.kid}:${k.status}`),
    );
    if (posix) expect((await stat(join(dataDir, 'keyring.json'))).mode & 0o777).toBe(0o600);
  });

  it('concurrent rotations are applied one after another', async () => {
    const { crypto, dataDir } = await freshCrypto();
    const results = await Promise.all([crypto.rotate(), crypto.rotate(), crypto.rotate()]);
    expect(new Set(results.map((r) => r.signing)).size).toBe(3);
    const keys = (await openCrypto({ dataDir })).keys();
    expect(keys).toHaveLength(12);
    expect(keys.filter((k) => k.status === 'active').map((k) => k.kid)).toEqual([
      results[2]!.signing,
      results[2]!.seal,
      results[2]!.hmac,
    ]);
    expect((await readdir(dataDir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses to retire an active key or an unknown kid', async () => {
    const { crypto } = await freshCrypto();
    const active = crypto.keys()[0]!.kid;
    await expect(crypto.retire(active)).rejects.toMatchObject({ code: 'OMEGA_ERR_VALIDATION' });
    await expect(crypto.retire('sig-nope')).rejects.toMatchObject({ code: 'OMEGA_ERR_NOT_FOUND' });
    expect(crypto.keys()).toHaveLength(3);
  });
});
