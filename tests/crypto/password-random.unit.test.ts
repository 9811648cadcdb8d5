import { randomBytes, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { freshCrypto } from './crypto-fixture.js';

describe('passwords', () => {
  it('hashes with scrypt N ≥ 2^15 and a unique 16-byte salt, and verifies', async () => {
    const { crypto } = await freshCrypto();
    const a = await crypto.hashPassword('correct horse');
    const b = await crypto.hashPassword('correct horse');
    const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(a);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(2 ** 15);
    expect(Buffer.from(m![4]!, 'base64url')).toHaveLength(16);
    expect(a).not.toBe(b);
    expect(a.split('$')[4]).not.toBe(b.split('$')[4]);
    expect(await crypto.verifyPassword('correct horse', a)).toBe(true);
    expect(await crypto.verifyPassword('correct horse', b)).toBe(true);
    expect(await crypto.verifyPassword('correct horsE', a)).toBe(false);
    expect(await crypto.verifyPassword('', a)).toBe(false);
  });

  it('verifies records made with older parameters', async () => {
    const { crypto } = await freshCrypto();
    const salt = randomBytes(16);
    const hash = scryptSync('old-pw', salt, 64, { N: 2 ** 14, r: 8, p: 2 });
    const stored = `scrypt$${2 ** 14}$8$2$${salt.toString('base64url')}$${hash.toString('base64url')}`;
    expect(await crypto.verifyPassword('old-pw', stored)).toBe(true);
    expect(await crypto.verifyPassword('old-pw!', stored)).toBe(false);
  });

  it('treats the composed and decomposed forms of a password alike (NFC)', async () => {
    const { crypto } = await freshCrypto();
    const stored = await crypto.hashPassword('caf\u00e9');
    expect(await crypto.verifyPassword('cafe\u0301', stored)).toBe(true);
  });

  it('returns false for malformed or unsafe records instead of throwing or running them', async () => {
    const { crypto } = await freshCrypto();
    const good = await crypto.hashPassword('pw');
    const [, , r, p, salt, hash] = good.split('$');
    const bad = [
      '',
      'plain',
      good.replace('scrypt', 'bcrypt'),
      `scrypt$${2 ** 24}$${r}$${p}$${salt}$${hash}`, // 16 GiB of memory
      `scrypt$1000$${r}$${p}$${salt}$${hash}`, // N not a power of two
      `scrypt$${2 ** 15}$${r}$99$${salt}$${hash}`,
      `scrypt$${2 ** 15}$${r}$${p}$$${hash}`,
      `scrypt$${2 ** 15}$${r}$${p}$${salt}$AAAA`,
      `scrypt$${2 ** 15}$${r}$${p}$${salt}$${hash}$x`,
      `scrypt$-1$${r}$${p}$${salt}$${hash}`,
    ];
    for (const s of bad) expect(await crypto.verifyPassword('pw', s)).toBe(false);
    expect(await crypto.verifyPassword(undefined as unknown as string, good)).toBe(false);
    await expect(crypto.hashPassword(5 as unknown as string)).rejects.toMatchObject({
      code: 'OMEGA_ERR_VALIDATION',
    });
  });
});

describe('randomId and hash', () => {
  it('randomId is base64url of 16 bytes by default and unique', async () => {
    const { crypto } = await freshCrypto();
    const ids = Array.from({ length: 2000 }, () => crypto.randomId());
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Buffer.from(crypto.randomId(32), 'base64url')).toHaveLength(32);
    for (const n of [0, -1, 1.5, 4096, Number.NaN]) {
      expect(() => crypto.randomId(n)).toThrow(expect.objectContaining({ code: 'OMEGA_ERR_VALIDATION' }));
    }
  });

  it('hash gives the standard hex digests', async () => {
    const { crypto } = await freshCrypto();
    expect(crypto.hash('sha256', 'abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(crypto.hash('sha512', new TextEncoder().encode('abc'))).toMatch(/^ddaf35a193617aba[0-9a-f]{112}$/);
    expect(() => crypto.hash('md5' as 'sha256', 'abc')).toThrow(
      expect.objectContaining({ code: 'OMEGA_ERR_VALIDATION' }),
    );
  });
});
