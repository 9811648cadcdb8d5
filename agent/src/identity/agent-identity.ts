import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { agentError } from '../errors/index.js';
import { keyFingerprint } from './key-fingerprint.js';
import { writePrivateFile } from './write-private-file.js';

/** The agent's long-lived Ed25519 identity. */
export interface AgentIdentity {
  /** Raw public key, base64url (32 bytes): the `publicKey` of `hello`. */
  publicKey: string;
  /** {@link keyFingerprint} of it. */
  fingerprint: string;
  /** Ed25519 signature of the UTF-8 text, base64url. */
  sign(text: string): string;
}

/** The identity key's file in the data directory (PKCS#8 PEM, mode 0600). */
export const IDENTITY_KEY_FILE = 'identity.key';

/**
 * Makes sure the data directory exists with mode 0700 and is not open to others: a directory
 * that group or others may write is refused (they could swap the identity).
 */
export function ensureDataDir(dataDir: string): void {
  if (!existsSync(dataDir)) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const st = statSync(dataDir);
  if (!st.isDirectory()) {
    throw agentError('OMEGA_ERR_AGENT_IDENTITY', `The data directory ${dataDir} is not a directory.`, {
      path: dataDir,
    });
  }
  if ((st.mode & 0o022) !== 0) {
    throw agentError(
      'OMEGA_ERR_AGENT_IDENTITY',
      `The data directory ${dataDir} is writable by group or others; run chmod 700 ${dataDir}.`,
      { path: dataDir },
    );
  }
  if ((st.mode & 0o077) !== 0) chmodSync(dataDir, 0o700);
}

function rawPublicKey(key: KeyObject): string {
  const x = createPublicKey(key).export({ format: 'jwk' }).x;
  if (typeof x !== 'string') throw new TypeError('Ed25519 public key export');
  return x;
}

function fromKey(privateKey: KeyObject): AgentIdentity {
  const publicKey = rawPublicKey(privateKey);
  return {
    publicKey,
    fingerprint: keyFingerprint(publicKey),
    sign: (text) => sign(null, Buffer.from(text, 'utf8'), privateKey).toString('base64url'),
  };
}

/** A fresh identity that lives only in memory (simulated agents of the bench; tests). */
export function generateIdentity(): AgentIdentity {
  return fromKey(generateKeyPairSync('ed25519').privateKey);
}

/**
 * Loads the identity key from the data directory, or generates one on first start (Ed25519,
 * written 0600). A key file others can read, or one that is not an Ed25519 private key, is
 * refused with OMEGA_ERR_AGENT_IDENTITY: the agent never silently replaces its identity.
 */
export function loadOrCreateIdentity(dataDir: string): AgentIdentity {
  ensureDataDir(dataDir);
  const file = join(dataDir, IDENTITY_KEY_FILE);
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    writePrivateFile(file, privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    return fromKey(privateKey);
  }
  const st = statSync(file);
  if ((st.mode & 0o077) !== 0) {
    throw agentError(
      'OMEGA_ERR_AGENT_IDENTITY',
      `The identity key ${file} is readable by group or others (mode ${(st.mode & 0o777).toString(8)}); run chmod 600 ${file}.`,
      { path: file },
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(file, 'utf8'));
  } catch (err) {
    throw agentError(
      'OMEGA_ERR_AGENT_IDENTITY',
      `The identity key ${file} cannot be read: ${(err as Error).message}.`,
      {
        path: file,
      },
    );
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw agentError('OMEGA_ERR_AGENT_IDENTITY', `The identity key ${file} is not an Ed25519 key.`, {
      path: file,
    });
  }
  return fromKey(key);
}
