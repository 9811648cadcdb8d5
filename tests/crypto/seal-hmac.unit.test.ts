import { describe, expect, it } from 'vitest';
import { openCrypto } from '../../kernel/crypto/index.js';
import { freshCrypto } from './crypto-fixture.js';

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);

describe('seal / open', () => {
  it('round-trips strings, bytes and empty input, with a fresh IV each time', async () => {
    const { crypto } = await freshCrypto();
    const sealKid = crypto.keys().find((k) => k.kind === 'seal')!.kid;
    const a = crypto.seal('hello', 'user:1');
    const b = crypto.seal('hello', 'user:1');
    expect(a).not.toBe(b);
    expect(a.startsWith(`v1.${sealKid}.`)).toBe(true);
    expect(a).not.toContain('hello');
    expect(text(crypto.open(a, 'user:1'))).toBe('hello');
    const bytes = new Uint8Array([0, 1, 2, 255]);
    expect([...crypto.open(crypto.seal(bytes))]).toEqual([0, 1, 2, 255]);
    expect(crypto.open(crypto.seal('')).length).toBe(0);
  });

  it('rejects tampering with any part', async () => {
    const { crypto } = await freshCrypto();
    const sealed = crypto.seal('attack at dawn, and then some more text', 'ctx');
    const parts = sealed.split('.');
    for (const i of [2, 3, 4]) {
      const bad = parts.map((p, j) => (j === i ? flip(p, 1) : p)).join('.');
      expect(() => crypto.open(bad, 'ctx')).toThrow(
        expect.objectContaining({ code: 'OMEGA_ERR_SEAL_INVALID' }),
      );
    }
    for (const bad of [
      '',
      'v1.x',
      `v2.${parts.slice(1).join('.')}`,
      `${sealed}.extra`,
      sealed.slice(0, -4),
    ]) {
      expect(() => crypto.open(bad, 'ctx')).toThrow(
        expect.objectContaining({ code: 'OMEGA_ERR_SEAL_INVALID' }),
      );
    }
  });

  it('rejects a wrong or missing aad', async () => {
    const { crypto } = await freshCrypto();
    const sealed = crypto.seal('x', 'tenant-a');
    expect(() => crypto.open(sealed, 'tenant-b')).toThrow(
      expect.objectContaining({ code: 'OMEGA_ERR_SEAL_INVALID' }),
    );
    expect(() => crypto.open(sealed)).toThrow(expect.objectContaining({ code: 'OMEGA_ERR_SEAL_INVALID' }));
    expect(() => crypto.open(crypto.seal('x'), 'tenant-a')).toThrow(
      expect.objectContaining({ code: 'OMEGA_ERR_SEAL_INVALID' }),
    );
  });

  it('rejects data from another keyring and a kid relabelled to ours', async () => {
    const { crypto } = await freshCrypto();
    const { crypto: other } = await freshCrypto();
    const foreign = other.seal('x');
    expect(() => crypto.open(foreign)).toThrow(expect.objectContaining({ code: 'OMEGA_ERR_SEAL_INVALID' }));
    const ourKid = crypto.keys().find((k) => k.kind === 'seal')!.kid;
    const relabelled = foreign
      .split('.')
      .map((p, i) => (i === 1 ? ourKid : p))
      .join('.');
    expect(() => crypto.open(relabelled)).toThrow(
      expect.objectContaining({ code: 'OMEGA_ERR_SEAL_INVALID' }),
    );
  });

  it('opens with a verify-only key after rotate, not after retire', async () => {
    const { crypto } = await freshCrypto();
    const oldKid = crypto.keys().find((k) => k.kind === 'seal')!.kid;
    const sealed = crypto.seal('kept');
    const { seal: newKid } = await crypto.rotate();
    expect(text(crypto.open(sealed))).toBe('kept');
    expect(crypto.seal('new').split('.')[1]).toBe(newKid);
    await crypto.retire(oldKid);
    expect(() => crypto.open(sealed)).toThrow(expect.objectContaining({ code: 'OMEGA_ERR_SEAL_INVALID' }));
  });
});

describe('hmac', () => {
  it('signs with a kid and verifies', async () => {
    const { crypto } = await freshCrypto();
    const mac = crypto.hmacSign('payload');
    const kid = crypto.keys().find((k) => k.kind === 'hmac')!.kid;
    expect(mac).toMatch(new RegExp(`^${kid}\\.[A-Za-z0-9_-]{43}$`));
    expect(crypto.hmacVerify('payload', mac)).toBe(true);
    expect(crypto.hmacVerify(new TextEncoder().encode('payload'), mac)).toBe(true);
  });

  it('returns false, never throws, for tampered data or MAC and malformed input', async () => {
    const { crypto } = await freshCrypto();
    const { crypto: other } = await freshCrypto();
    const mac = crypto.hmacSign('payload');
    const [kid, sig] = mac.split('.') as [string, string];
    const bad = [
      flip(mac, kid.length + 5),
      `${kid}.${sig.slice(0, -1)}`,
      `${kid}.${sig}A`,
      `${kid}.${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`, // non-canonical low bits
      `${kid}.`,
      `.${sig}`,
      sig,
      '',
      `mac-unknown.${sig}`,
      `${kid}.${sig.replace(/./, '+')}`,
      other.hmacSign('payload'),
    ];
    for (const m of bad) expect(crypto.hmacVerify('payload', m)).toBe(false);
    expect(crypto.hmacVerify('payload!', mac)).toBe(false);
    expect(crypto.hmacVerify('payload', 42 as unknown as string)).toBe(false);
    expect(crypto.hmacVerify(null as unknown as string, mac)).toBe(false);
  });

  it('verifies with a verify-only key after rotate, not after retire', async () => {
    const { crypto } = await freshCrypto();
    const oldKid = crypto.keys().find((k) => k.kind === 'hmac')!.kid;
    const mac = crypto.hmacSign('d');
    await crypto.rotate();
    expect(crypto.hmacVerify('d', mac)).toBe(true);
    expect(crypto.hmacSign('d')).not.toBe(mac);
    await crypto.retire(oldKid);
    expect(crypto.hmacVerify('d', mac)).toBe(false);
  });
});

describe('domain MACs (what a plugin gets as ctx.crypto.mac)', () => {
  it('each domain has its own key: a MAC verifies only in its domain, never as a plain kernel MAC', async () => {
    const { crypto } = await freshCrypto();
    const mac = crypto.macFor('plugin:security', 'entry-1');
    const kid = crypto.keys().find((k) => k.kind === 'hmac')!.kid;
    expect(mac).toMatch(new RegExp(`^${kid}\\.[A-Za-z0-9_-]{43}$`));
    expect(crypto.verifyMacFor('plugin:security', 'entry-1', mac)).toBe(true);
    expect(crypto.verifyMacFor('plugin:security', 'entry-2', mac)).toBe(false);
    expect(crypto.verifyMacFor('plugin:metrics', 'entry-1', mac)).toBe(false);
    expect(crypto.hmacVerify('entry-1', mac)).toBe(false);
    expect(crypto.verifyMacFor('plugin:security', 'entry-1', crypto.hmacSign('entry-1'))).toBe(false);
    expect(crypto.macFor('plugin:metrics', 'entry-1')).not.toBe(mac);
    for (const bad of ['', '.', `${kid}.`, flip(mac, kid.length + 3), 42 as unknown as string]) {
      expect(crypto.verifyMacFor('plugin:security', 'entry-1', bad)).toBe(false);
    }
  });

  it('survives a rotation (verify-only key) and a reopen, and dies with a retire', async () => {
    const { crypto, dataDir } = await freshCrypto();
    const oldKid = crypto.keys().find((k) => k.kind === 'hmac')!.kid;
    const mac = crypto.macFor('plugin:security', 'head');
    await crypto.rotate();
    expect(crypto.verifyMacFor('plugin:security', 'head', mac)).toBe(true);
    expect(crypto.macFor('plugin:security', 'head').startsWith(`${oldKid}.`)).toBe(false);
    const reopened = await openCrypto({ dataDir });
    expect(reopened.verifyMacFor('plugin:security', 'head', mac)).toBe(true);
    await crypto.retire(oldKid);
    expect(crypto.verifyMacFor('plugin:security', 'head', mac)).toBe(false);
  });
});
