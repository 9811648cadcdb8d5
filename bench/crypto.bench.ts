import { createHash, createPublicKey, verify as edVerify, randomBytes, scrypt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCrypto, SCRYPT_DEFAULTS } from '../kernel/crypto/index.js';
import { report } from './report.js';

/**
 * The kernel crypto service: JWT sign/verify rate (verification runs on every authenticated
 * request), against a sha256 of the same token and a bare HMAC verify; seal/open; password hashing.
 */
const dir = await mkdtemp(join(tmpdir(), 'omega-bench-crypto-'));
const crypto = await openCrypto({ dataDir: dir });
const opts = { audience: 'api', expiresInSec: 3600, subject: 'user-1' };
const token = await crypto.signJwt({ roles: ['admin'], tenant: 't1' }, opts);
const mac = crypto.hmacSign(token);

/** Operations per second of `fn` over about `ms` milliseconds, after a warm-up. */
async function rate(fn: () => unknown, ms = 1500): Promise<number> {
  for (let i = 0; i < 200; i++) await fn();
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 50; i++) await fn();
    n += 50;
  }
  return n / ((performance.now() - start) / 1000);
}

/** Like {@link rate}, with `batch` calls in flight at once (the http layer verifies concurrently). */
async function rateConcurrent(fn: () => Promise<unknown>, batch: number, ms = 1500): Promise<number> {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    await Promise.all(Array.from({ length: batch }, fn));
    n += batch;
  }
  return n / ((performance.now() - start) / 1000);
}

const sha = await rate(() => createHash('sha256').update(token).digest('hex'));
const hmac = await rate(() => crypto.hmacVerify(token, mac));
const baseSha = { name: 'sha256 of the same token', value: sha };

const sign = await rate(() => crypto.signJwt({ roles: ['admin'], tenant: 't1' }, opts));
report({ name: 'jwt sign (EdDSA, sequential)', value: sign, unit: 'ops/s', baseline: baseSha });
const verify = await rate(() => crypto.verifyJwt(token, { audience: 'api' }));
report({ name: 'jwt verify (EdDSA, sequential)', value: verify, unit: 'ops/s', baseline: baseSha });
report({
  name: 'jwt verify (EdDSA, sequential)',
  value: verify,
  unit: 'ops/s',
  baseline: { name: 'hmacVerify of the same token', value: hmac },
});
// What jose adds: the bare Ed25519 check of the same signing input with node:crypto.
const [h, pl, sg] = token.split('.') as [string, string, string];
const jwk = crypto.publicJwks().keys[0]!;
const pub = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x! }, format: 'jwk' });
const input = Buffer.from(`${h}.${pl}`);
const sigBytes = Buffer.from(sg, 'base64url');
if (!edVerify(null, input, pub, sigBytes)) throw new Error('bench setup: bare verify failed');
const bare = await rate(() => edVerify(null, input, pub, sigBytes));
report({
  name: 'jwt verify (EdDSA, sequential)',
  value: verify,
  unit: 'ops/s',
  baseline: { name: 'bare node:crypto Ed25519 verify', value: bare },
});
report({
  name: 'jwt verify latency',
  value: 1e6 / verify,
  unit: 'µs/op',
  baseline: { ...baseSha, value: 1e6 / sha },
});
const verify64 = await rateConcurrent(() => crypto.verifyJwt(token, { audience: 'api' }), 64);
report({ name: 'jwt verify (64 in flight)', value: verify64, unit: 'ops/s', baseline: baseSha });

const sealed = crypto.seal(token, 'aad');
const seal = await rate(() => crypto.seal(token, 'aad'));
const open = await rate(() => crypto.open(sealed, 'aad'));
report({ name: 'seal (AES-256-GCM, token-sized)', value: seal, unit: 'ops/s', baseline: baseSha });
report({ name: 'open (AES-256-GCM, token-sized)', value: open, unit: 'ops/s', baseline: baseSha });

const times: number[] = [];
for (let i = 0; i < 8; i++) {
  const t0 = performance.now();
  await crypto.hashPassword('correct horse battery staple');
  times.push(performance.now() - t0);
}
const { N, r, p, keyLength } = SCRYPT_DEFAULTS;
const raw: number[] = [];
for (let i = 0; i < 8; i++) {
  const t0 = performance.now();
  await new Promise((res, rej) =>
    scrypt(
      'correct horse battery staple',
      randomBytes(16),
      keyLength,
      { N, r, p, maxmem: 256 * N * r },
      (e, k) => (e ? rej(e) : res(k)),
    ),
  );
  raw.push(performance.now() - t0);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
report({
  name: `hashPassword (scrypt N=2^${Math.log2(N)} r=${r} p=${p}), median`,
  value: median(times),
  unit: 'ms',
  baseline: { name: 'bare node scrypt, same params', value: median(raw) },
});

await rm(dir, { recursive: true, force: true });
