import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CryptoKey, importJWK, type JWK } from 'jose';
import { type KernelCrypto, type OpenCryptoOptions, openCrypto } from '../../kernel/crypto/index.js';
import { tempDirForTest } from '../helpers/temp-dir.js';

/**
 * A fresh temp directory, removed after the test (hooked on the test: these unit files share this
 * module, so a module-level afterEach here ran for the first of them only).
 */
export async function tempDir(): Promise<string> {
  return tempDirForTest('omega-crypto-');
}

/** A crypto service over a new keyring in a fresh temp data dir. */
export async function freshCrypto(
  opts: Partial<OpenCryptoOptions> = {},
): Promise<{ crypto: KernelCrypto; dataDir: string }> {
  const dataDir = join(await tempDir(), 'data');
  return { crypto: await openCrypto({ dataDir, ...opts }), dataDir };
}

interface FileKey {
  kid: string;
  kind: string;
  status: string;
  jwk: JWK;
}

/** The keys as written in keyring.json (the test reads the file as the kernel user could). */
export async function fileKeys(dataDir: string): Promise<FileKey[]> {
  return JSON.parse(await readFile(join(dataDir, 'keyring.json'), 'utf8')).keys;
}

/** The real private signing key of the keyring, to forge tokens the service must still reject. */
export async function stealSigningKey(dataDir: string): Promise<{ kid: string; key: CryptoKey; jwk: JWK }> {
  const k = (await fileKeys(dataDir)).find((x) => x.kind === 'signing' && x.status === 'active')!;
  return { kid: k.kid, key: (await importJWK(k.jwk, 'EdDSA')) as CryptoKey, jwk: k.jwk };
}

/** Every secret value in the keyring file (private `d`, secret `k`), for leak checks. */
export async function secretStrings(dataDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const k of await fileKeys(dataDir)) {
    const b64 = (k.jwk.d ?? k.jwk.k) as string;
    const bytes = Buffer.from(b64, 'base64url');
    out.push(b64, bytes.toString('hex'), bytes.toString('base64'));
  }
  return out;
}

/** Seconds since the epoch, as JWT claims count time. */
export const nowSec = (): number => Math.floor(Date.now() / 1000);
