import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { createTokenSource } from '../../../src/slurm/slurm-token-source.js';

describe('slurmrestd tokens', () => {
  const dir = mkdtempSync(join(tmpdir(), 'omega-slurm-jwt-'));
  const key = randomBytes(32);
  const keyFile = join(dir, 'jwt.key');
  writeFileSync(keyFile, key, { mode: 0o600 });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('mints HS256 tokens with exactly what auth/jwt reads (sun, iat, exp), cached until 80 % of their life', async () => {
    const source = createTokenSource({ user: 'alice', jwtKeyFile: keyFile, lifetimeSeconds: 120 });
    const token = await source.get();
    expect(decodeProtectedHeader(token).alg).toBe('HS256');
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
    expect(Object.keys(payload).sort()).toEqual(['exp', 'iat', 'sun']);
    expect(payload.sun).toBe('alice');
    expect((payload.exp as number) - (payload.iat as number)).toBe(120);
    expect(await source.get()).toBe(token);
  });

  it('scrubs every token it handed out from a text', async () => {
    const source = createTokenSource({ user: 'alice', jwtKeyFile: keyFile });
    const token = await source.get();
    expect(source.redact(`bad token ${token} here`)).toBe('bad token [redacted token] here');
  });

  it('takes a supplied token or token function, and refuses an empty or multi-line one', async () => {
    expect(await createTokenSource({ user: 'a', token: 't1' }).get()).toBe('t1');
    let n = 0;
    const rotating = createTokenSource({ user: 'a', token: async () => `t${++n}` });
    expect([await rotating.get(), await rotating.get()]).toEqual(['t1', 't2']);
    for (const bad of ['', 'a\nb']) {
      await expect(createTokenSource({ user: 'a', token: bad }).get()).rejects.toMatchObject({
        code: 'OMEGA_ERR_SLURM_CONFIG',
      });
    }
  });

  it('names the key file and the errno, never its content, when the key cannot be used', async () => {
    const missing = createTokenSource({ user: 'a', jwtKeyFile: join(dir, 'missing.key') });
    await expect(missing.get()).rejects.toMatchObject({
      code: 'OMEGA_ERR_SLURM_CONFIG',
      extras: { field: 'jwtKeyFile' },
    });
    const short = join(dir, 'short.key');
    writeFileSync(short, 'secret-ish');
    const e = await createTokenSource({ user: 'a', jwtKeyFile: short })
      .get()
      .then(
        () => null,
        (err: Error) => err,
      );
    expect(e).toMatchObject({ code: 'OMEGA_ERR_SLURM_CONFIG' });
    expect(String(e?.message)).not.toContain('secret-ish');
  });
});
