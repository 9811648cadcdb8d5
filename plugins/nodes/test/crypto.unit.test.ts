import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromBase64url, fromHex, toBase64url, toHex } from '../src/crypto/base64url.js';
import { canonicalFingerprint, keyFingerprint } from '../src/crypto/key-fingerprint.js';
import { sha256 } from '../src/crypto/sha256.js';
import { formatJoinToken, parseJoinToken, secretDigest } from '../src/tokens/join-token-format.js';

describe('the isolate-side crypto helpers agree with node:crypto', () => {
  it('SHA-256 of every length around the block boundaries', () => {
    for (const n of [0, 1, 3, 31, 32, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4097]) {
      const bytes = randomBytes(n);
      expect(toHex(sha256(new Uint8Array(bytes)))).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });

  it('base64url round-trips and matches Buffer; non-canonical and foreign text is refused', () => {
    for (const n of [0, 1, 2, 3, 4, 31, 32, 33]) {
      const bytes = randomBytes(n);
      const text = toBase64url(new Uint8Array(bytes));
      expect(text).toBe(bytes.toString('base64url'));
      expect(Buffer.from(fromBase64url(text) ?? [])).toEqual(bytes);
    }
    expect(fromBase64url('a')).toBeUndefined();
    expect(fromBase64url('ab+/')).toBeUndefined();
    expect(fromBase64url('AB')).toBeUndefined(); // leftover bits set: not the canonical spelling
    expect(toHex(fromHex('00ff10') ?? new Uint8Array())).toBe('00ff10');
    expect(fromHex('0g')).toBeUndefined();
  });

  it('key fingerprints: base64url(SHA-256(raw key)); announced forms are canonicalised', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const raw = publicKey.export({ format: 'jwk' }).x as string;
    const digest = createHash('sha256').update(Buffer.from(raw, 'base64url')).digest();
    const fp = keyFingerprint(raw);
    expect(fp).toBe(digest.toString('base64url'));
    expect(canonicalFingerprint(digest.toString('hex'))).toBe(fp);
    expect(canonicalFingerprint(`sha256:${digest.toString('hex').toUpperCase()}`)).toBe(fp);
    expect(canonicalFingerprint(digest.toString('base64url'))).toBe(fp);
    expect(canonicalFingerprint('not-a-fingerprint')).toBeUndefined();
    expect(keyFingerprint('short')).toBeUndefined();
  });
});

describe('join token format', () => {
  const id = 'AbCdEfGhIjKl';
  const secret = randomBytes(32).toString('base64url');
  const cert = randomBytes(32).toString('base64url');

  it('formats and parses, with and without the certificate hash', () => {
    const plain = formatJoinToken({ id, secret });
    expect(plain).toBe(`omg-join.${id}.${secret}`);
    expect(parseJoinToken(plain)).toEqual({ id, secret });
    const tls = formatJoinToken({ id, secret, certSha256: cert });
    expect(tls).toBe(`omg-join.${id}.${secret}.${cert}`);
    expect(parseJoinToken(tls)).toEqual({ id, secret, certSha256: cert });
  });

  it('refuses anything else', () => {
    for (const bad of [
      '',
      `omg-join.${id}`,
      `omg-join.${id}.${secret}.${cert}.extra`,
      `omg-jion.${id}.${secret}`,
      `omg-join.${id}x.${secret}`,
      `omg-join.${id}.${secret.slice(1)}`,
      `omg-join.${id}.${secret}.short`,
      `omg-join.${id}.${secret}`.padEnd(300, 'x'),
    ])
      expect(parseJoinToken(bad)).toBeUndefined();
  });

  it('stores the SHA-256 of the secret only', () => {
    expect(secretDigest(secret)).toBe(createHash('sha256').update(secret, 'utf8').digest('base64url'));
  });
});
