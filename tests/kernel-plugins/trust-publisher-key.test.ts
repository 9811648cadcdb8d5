import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trustedPublishersFile } from '../../kernel/plugins/install/index.js';
import { startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';

/*
 * POST /api/v1/plugins/publishers (`omega plugin trust`) trusts only a real Ed25519 public key:
 * {"kty":"OKP","crv":"Ed25519","x":"abc"} was trusted and written to trusted-publishers.json.
 * `x` is the 32-byte key as 43 base64url characters, unpadded (RFC 8037), and must import.
 */

const PUBLISHERS = '/api/v1/plugins/publishers';
const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const good = publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string };

describe('trusting a publisher key checks that it is an Ed25519 public key', () => {
  let k: TempKernel;
  beforeAll(async () => {
    k = await startTempKernel({ plugins: { dirs: [], warmHosts: 0 } });
  });
  afterAll(async () => {
    await k?.stop();
  });

  const trust = async (jwk: unknown) => {
    const res = await k.api(PUBLISHERS, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jwk, name: 'ci' }),
    });
    return {
      status: res.status,
      body: (await res.json()) as { kid?: string; code?: string; errors?: { field: string }[] },
    };
  };

  // The last character of 43 carries 2 bits past the 32 bytes: they must be 0 (one spelling per key).
  const lastBitsSet = `${good.x.slice(0, 42)}${good.x.endsWith('B') ? 'C' : 'B'}`;
  it.each([
    ['too short (the walk\'s "abc")', 'abc'],
    ['padded', `${good.x}=`],
    ['33 bytes', Buffer.alloc(33, 7).toString('base64url')],
    ['standard base64, not base64url', `+${good.x.slice(1)}`],
    ['with a non-canonical last character', lastBitsSet],
    ['not a string', 42],
    // Found by review: Node imports it, and a forged signature verifies under it for any archive.
    ['the identity point (small order)', `AQ${'A'.repeat(41)}`],
    [
      'a point of order 8',
      Buffer.from('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', 'hex').toString(
        'base64url',
      ),
    ],
  ])('refuses x %s with 400 naming jwk.x, writing nothing', async (_what, x) => {
    const res = await trust({ ...good, x });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('OMEGA_ERR_VALIDATION');
    expect(res.body.errors?.map((e) => e.field)).toEqual(['jwk.x']);
    expect(existsSync(trustedPublishersFile(k.dataDir))).toBe(false);
  });

  it('refuses a private key (d) with 400 naming jwk.d', async () => {
    const res = await trust(privateKey.export({ format: 'jwk' }));
    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e) => e.field)).toContain('jwk.d');
    expect(existsSync(trustedPublishersFile(k.dataDir))).toBe(false);
  });

  it('still trusts a real Ed25519 public key (201), writes it, and audits which key it was', async () => {
    const audited: Array<{ topic: string; target?: string }> = [];
    const sub = k.kernel.bus.subscribe(['plugins.admin.*'], (batch) => {
      for (const e of batch) audited.push({ topic: e.topic, target: (e.data as { target?: string }).target });
    });
    const res = await trust(good);
    expect(res.status).toBe(201);
    // The record named no key (walk): the kid is its target.
    for (let i = 0; i < 80 && audited.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    sub.unsubscribe();
    expect(audited).toEqual([{ topic: 'plugins.admin.trust', target: res.body.kid }]);
    const file = JSON.parse(readFileSync(trustedPublishersFile(k.dataDir), 'utf8')) as {
      publishers: { kid: string; jwk: { x: string } }[];
    };
    expect(file.publishers.map((p) => [p.kid, p.jwk.x])).toEqual([[res.body.kid, good.x]]);
  });
});
