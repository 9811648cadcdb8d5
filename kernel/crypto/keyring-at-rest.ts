import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { omegaError } from '../errors/index.js';

const FORMAT = 'omega-keyring-encrypted';
const AAD = Buffer.from('omega-keyring-v1');
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
/** Shortest operator key accepted, characters. */
export const MIN_KEYRING_KEY_CHARS = 16;

/** Encrypts keyring text for the file (one derived key, a fresh IV per write). */
export interface KeyringCipher {
  encode(plain: string): string;
}

interface EncryptedFile {
  format: typeof FORMAT;
  version: 1;
  kdf: { alg: 'scrypt'; salt: string; N: number; r: number; p: number };
  iv: string;
  tag: string;
  ciphertext: string;
}

const keyError = (path: string, why: string) =>
  omegaError('OMEGA_ERR_KEYRING_KEY', `Keyring ${path}: ${why}.`, { path });

function cipherFor(derived: Buffer, salt: Buffer): KeyringCipher {
  return {
    encode(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', derived, iv);
      c.setAAD(AAD);
      const ciphertext = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      const file: EncryptedFile = {
        format: FORMAT,
        version: 1,
        kdf: { alg: 'scrypt', salt: salt.toString('base64url'), N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p },
        iv: iv.toString('base64url'),
        tag: c.getAuthTag().toString('base64url'),
        ciphertext: ciphertext.toString('base64url'),
      };
      return `${JSON.stringify(file, null, 2)}\n`;
    },
  };
}

function checkKey(key: string, path: string): void {
  if (key.length < MIN_KEYRING_KEY_CHARS) {
    throw keyError(path, `the keyring key must be at least ${MIN_KEYRING_KEY_CHARS} characters`);
  }
}

/** A cipher under a new salt, for a keyring being encrypted (first start, or plain → encrypted). */
export function newKeyringCipher(key: string, path: string): KeyringCipher {
  checkKey(key, path);
  const salt = randomBytes(16);
  return cipherFor(scryptSync(key, salt, 32, SCRYPT), salt);
}

/** True when the file text is an encrypted keyring (whatever else it holds). */
export function isEncryptedKeyring(text: string): boolean {
  try {
    return (JSON.parse(text) as { format?: unknown }).format === FORMAT;
  } catch {
    return false;
  }
}

/**
 * Decrypts an encrypted keyring file with the operator's key: its plain text, and the cipher
 * later writes use. A missing or wrong key is OMEGA_ERR_KEYRING_KEY (nothing is written).
 */
export function openEncryptedKeyring(
  text: string,
  key: string | undefined,
  path: string,
): { plain: string; cipher: KeyringCipher } {
  if (key === undefined) {
    throw keyError(
      path,
      'it is encrypted and no key was given (set OMEGA_KEYRING_KEY or OMEGA_KEYRING_KEY_FILE)',
    );
  }
  checkKey(key, path);
  let f: EncryptedFile;
  try {
    f = JSON.parse(text) as EncryptedFile;
  } catch {
    throw omegaError('OMEGA_ERR_KEYRING', `Keyring ${path} is unusable: not valid JSON.`, { path });
  }
  if (
    f.version !== 1 ||
    f.kdf?.alg !== 'scrypt' ||
    f.kdf.N !== SCRYPT.N ||
    f.kdf.r !== SCRYPT.r ||
    f.kdf.p !== SCRYPT.p
  ) {
    throw omegaError('OMEGA_ERR_KEYRING', `Keyring ${path} is unusable: unknown encryption parameters.`, {
      path,
    });
  }
  const salt = Buffer.from(String(f.kdf.salt), 'base64url');
  const derived = scryptSync(key, salt, 32, SCRYPT);
  try {
    const d = createDecipheriv('aes-256-gcm', derived, Buffer.from(String(f.iv), 'base64url'));
    d.setAAD(AAD);
    d.setAuthTag(Buffer.from(String(f.tag), 'base64url'));
    const plain = Buffer.concat([
      d.update(Buffer.from(String(f.ciphertext), 'base64url')),
      d.final(),
    ]).toString('utf8');
    return { plain, cipher: cipherFor(derived, salt) };
  } catch {
    throw keyError(path, 'the key is wrong (or the file was altered): it does not decrypt');
  }
}

/**
 * The operator's keyring key: `OMEGA_KEYRING_KEY`, or the first line of the file named by
 * `OMEGA_KEYRING_KEY_FILE` (which must not be readable by group or others); undefined when neither is set.
 */
export function keyringKeyFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.OMEGA_KEYRING_KEY) return env.OMEGA_KEYRING_KEY;
  const file = env.OMEGA_KEYRING_KEY_FILE;
  if (!file) return undefined;
  let text: string;
  try {
    if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
      throw keyError(file, `the key file is readable by group or others; run \`chmod 600 ${file}\``);
    }
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'OMEGA_ERR_KEYRING_KEY') throw err;
    throw keyError(file, `the key file cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return text.split(/\r?\n/)[0]?.trim() || undefined;
}
