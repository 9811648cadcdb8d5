import { constants } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { omegaError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { generateKey, type LoadedKey, type SecretKey, type SigningKey } from './key-material.js';
import {
  isEncryptedKeyring,
  type KeyringCipher,
  newKeyringCipher,
  openEncryptedKeyring,
} from './keyring-at-rest.js';
import { KEY_KINDS, parseKeyring, serializeKeyring } from './keyring-file.js';
import type { KeyInfo, KeyKind } from './types.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** Name of the keyring file inside the data directory. */
export const KEYRING_FILE = 'keyring.json';

type KeyOf<K extends KeyKind> = K extends 'signing' ? SigningKey : SecretKey;

/** Options of {@link openKeyring}. */
export interface OpenKeyringOptions {
  dataDir: string;
  logger?: Logger | undefined;
  /**
   * The operator's key: the file is kept encrypted (AES-256-GCM under scrypt of it); a plain
   * file is encrypted on open. Undefined: the file stays plain and a warning is logged.
   */
  atRestKey?: string | undefined;
}

/**
 * The keys in memory and on disk. Lookups are O(1) and synchronous; every change is written
 * atomically before it takes effect in memory, one change at a time.
 */
export class Keyring {
  readonly path: string;
  #keys: readonly LoadedKey[] = [];
  #byKid = new Map<string, LoadedKey>();
  #active = new Map<KeyKind, LoadedKey>();
  #queue: Promise<unknown> = Promise.resolve();
  #logger: Logger | undefined;

  #encode: (plain: string) => string;

  constructor(path: string, keys: readonly LoadedKey[], logger?: Logger, cipher?: KeyringCipher) {
    this.path = path;
    this.#logger = logger;
    this.#encode = cipher ? (plain) => cipher.encode(plain) : (plain) => plain;
    this.#set(keys);
  }

  /** The active key of a kind (what signs, seals and MACs now). */
  active<K extends KeyKind>(kind: K): KeyOf<K> {
    return this.#active.get(kind) as KeyOf<K>;
  }

  /** An active or verify-only key of that kind and kid; undefined when unknown or retired. */
  find<K extends KeyKind>(kind: K, kid: string): KeyOf<K> | undefined {
    const key = this.#byKid.get(kid);
    return key?.kind === kind ? (key as KeyOf<K>) : undefined;
  }

  /** Every usable key of a kind, active first. */
  all<K extends KeyKind>(kind: K): KeyOf<K>[] {
    return this.#keys.filter((k) => k.kind === kind) as KeyOf<K>[];
  }

  /** Metadata of every key. */
  list(): KeyInfo[] {
    return this.#keys.map(({ kid, kind, status, createdAt }) => ({ kid, kind, status, createdAt }));
  }

  /** New active key of each kind; previous active keys become verify-only. */
  rotate(): Promise<{ signing: string; seal: string; hmac: string }> {
    return this.#change(() => {
      const now = new Date();
      const fresh = KEY_KINDS.map((kind) => generateKey(kind, now));
      const demoted = this.#keys.map((k) =>
        k.status === 'active' ? { ...k, status: 'verify-only' as const } : k,
      );
      const [signing, seal, hmac] = fresh.map((k) => k.kid) as [string, string, string];
      return { next: [...fresh, ...demoted], result: { signing, seal, hmac }, log: 'crypto keys rotated' };
    });
  }

  /** Removes a verify-only key from the keyring (and the file). */
  retire(kid: string): Promise<void> {
    return this.#change(() => {
      const key = this.#byKid.get(kid);
      if (!key) throw omegaError('OMEGA_ERR_NOT_FOUND', `No key "${kid}" in the keyring; keys() lists them.`);
      if (key.status === 'active') {
        throw omegaError(
          'OMEGA_ERR_VALIDATION',
          `Key "${kid}" is the active ${key.kind} key; rotate() first so a new key takes over, then retire it.`,
          { kid },
        );
      }
      return { next: this.#keys.filter((k) => k !== key), result: undefined, log: 'crypto key retired' };
    });
  }

  #change<T>(plan: () => { next: LoadedKey[]; result: T; log: string }): Promise<T> {
    const run = this.#queue.then(async () => {
      const { next, result, log } = plan();
      await writeFileAtomic(this.path, this.#encode(serializeKeyring(next)), { mode: 0o600 });
      this.#set(next);
      this.#logger?.info({ keys: this.list().map((k) => `${k.kid}:${k.status}`) }, log);
      return result;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #set(keys: readonly LoadedKey[]): void {
    const order = (k: LoadedKey) => (k.status === 'active' ? 0 : 1);
    this.#keys = [...keys].sort((a, b) => order(a) - order(b));
    this.#byKid = new Map(this.#keys.map((k) => [k.kid, k]));
    this.#active = new Map(this.#keys.filter((k) => k.status === 'active').map((k) => [k.kind, k]));
  }

  toJSON(): { path: string; keys: KeyInfo[] } {
    return { path: this.path, keys: this.list() };
  }

  [inspect.custom](): string {
    return `Keyring { path: ${JSON.stringify(this.path)}, keys: ${this.#keys.length} }`;
  }
}

/**
 * Opens `<dataDir>/keyring.json`, creating the directory (0700) and a new keyring (0600) on
 * first start. Refuses (`OMEGA_ERR_KEYRING`) a file that is group/world-accessible or invalid.
 */
export async function openKeyring({ dataDir, logger, atRestKey }: OpenKeyringOptions): Promise<Keyring> {
  const path = join(dataDir, KEYRING_FILE);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  let text = await readPrivateFile(path);
  if (text === undefined) {
    const keys = KEY_KINDS.map((kind) => generateKey(kind));
    const cipher = atRestKey === undefined ? undefined : newKeyringCipher(atRestKey, path);
    try {
      const plain = serializeKeyring(keys);
      await writeFileAtomic(path, cipher ? cipher.encode(plain) : plain, { mode: 0o600, exclusive: true });
      logger?.info(
        { path, kids: keys.map((k) => k.kid), encrypted: cipher !== undefined },
        'crypto keyring created',
      );
      if (!cipher) warnPlain(logger, path);
      return new Keyring(path, keys, logger, cipher);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(path, err);
      text = await readPrivateFile(path); // another process created it first: use theirs
      if (text === undefined) throw ioError(path, err);
    }
  }
  if (isEncryptedKeyring(text)) {
    const { plain, cipher } = openEncryptedKeyring(text, atRestKey, path);
    return new Keyring(path, parseKeyring(plain, path), logger, cipher);
  }
  const keys = parseKeyring(text, path);
  if (atRestKey === undefined) {
    warnPlain(logger, path);
    return new Keyring(path, keys, logger);
  }
  // Plain → encrypted: the same keys, rewritten atomically under the operator's key.
  const cipher = newKeyringCipher(atRestKey, path);
  await writeFileAtomic(path, cipher.encode(serializeKeyring(keys)), { mode: 0o600 });
  logger?.info({ path }, 'crypto keyring encrypted at rest (was plain)');
  return new Keyring(path, keys, logger, cipher);
}

function warnPlain(logger: Logger | undefined, path: string): void {
  logger?.warn(
    { path },
    'crypto keyring is not encrypted at rest: set OMEGA_KEYRING_KEY (or OMEGA_KEYRING_KEY_FILE) to encrypt it',
  );
}

/** The file's text, or undefined when it does not exist; refuses modes open to group/others. */
async function readPrivateFile(path: string): Promise<string | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, constants.O_RDONLY);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError(path, err);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile())
      throw omegaError('OMEGA_ERR_KEYRING', `Keyring ${path} is not a regular file.`, { path });
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
      const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
      throw omegaError(
        'OMEGA_ERR_KEYRING',
        `Keyring ${path} is accessible by group or others (mode ${mode}); it holds private keys. ` +
          `Run \`chmod 600 ${path}\` (and check who could have read it), then start again.`,
        { path, mode },
      );
    }
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

function ioError(path: string, err: unknown) {
  const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
  return omegaError(
    'OMEGA_ERR_KEYRING',
    `Keyring ${path} cannot be read or written (${code}); check the data directory's owner and permissions.`,
    { path },
  );
}
