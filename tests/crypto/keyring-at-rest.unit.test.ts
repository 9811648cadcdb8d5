import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCrypto } from '../../kernel/crypto/index.js';
import { keyringKeyFromEnv } from '../../kernel/crypto/keyring-at-rest.js';
import { createLogger } from '../../kernel/log/index.js';
import { freshCrypto, tempDir } from './crypto-fixture.js';

const KEY = 'operator-key-0123456789-abcdef';

/** A logger that keeps its lines, to see the warning. */
function capture() {
  const lines: { level: string; msg: string }[] = [];
  const logger = createLogger({
    level: 'info',
    destination: { write: (s: string) => void lines.push(JSON.parse(s) as { level: string; msg: string }) },
  });
  return { logger, lines };
}

describe('keyring encrypted at rest', () => {
  it('with a key: the file holds no key material, and the same keys come back with it', async () => {
    const { crypto, dataDir } = await freshCrypto({ keyringKey: KEY });
    const token = await crypto.signJws('hello');
    const mac = crypto.hmacSign('x');
    const text = readFileSync(join(dataDir, 'keyring.json'), 'utf8');
    expect(JSON.parse(text).format).toBe('omega-keyring-encrypted');
    expect(text).not.toMatch(/"d"|"k"|jwk|signing/);
    expect((statSync(join(dataDir, 'keyring.json')).mode & 0o777).toString(8)).toBe('600');
    const again = await openCrypto({ dataDir, keyringKey: KEY });
    expect((await again.verifyJws(token)).payload).toBeDefined();
    expect(again.hmacVerify('x', mac)).toBe(true);
    // A rotation is written encrypted too.
    await again.rotate();
    expect(JSON.parse(readFileSync(join(dataDir, 'keyring.json'), 'utf8')).format).toBe(
      'omega-keyring-encrypted',
    );
    expect((await openCrypto({ dataDir, keyringKey: KEY })).keys().length).toBe(6);
  });

  it('a wrong key or a missing key refuses to start with OMEGA_ERR_KEYRING_KEY and leaves the file alone', async () => {
    const { dataDir } = await freshCrypto({ keyringKey: KEY });
    const before = readFileSync(join(dataDir, 'keyring.json'), 'utf8');
    await expect(openCrypto({ dataDir, keyringKey: `${KEY}-wrong` })).rejects.toMatchObject({
      code: 'OMEGA_ERR_KEYRING_KEY',
      message: expect.stringMatching(/wrong/),
    });
    await expect(openCrypto({ dataDir, keyringKey: null })).rejects.toMatchObject({
      code: 'OMEGA_ERR_KEYRING_KEY',
      message: expect.stringMatching(/OMEGA_KEYRING_KEY/),
    });
    await expect(openCrypto({ dataDir, keyringKey: 'short' })).rejects.toMatchObject({
      code: 'OMEGA_ERR_KEYRING_KEY',
    });
    expect(readFileSync(join(dataDir, 'keyring.json'), 'utf8')).toBe(before);
  });

  it('a plain keyring is migrated to encrypted with its keys kept; without a key it stays plain with a warning', async () => {
    const plainLog = capture();
    const { crypto, dataDir } = await freshCrypto({ keyringKey: null, logger: plainLog.logger });
    expect(plainLog.lines.some((l) => l.level === 'warn' && /not encrypted at rest/.test(l.msg))).toBe(true);
    const token = await crypto.signJws('kept');
    expect(JSON.parse(readFileSync(join(dataDir, 'keyring.json'), 'utf8')).format).toBe('omega-keyring');
    const migrated = await openCrypto({ dataDir, keyringKey: KEY });
    expect((await migrated.verifyJws(token)).payload).toBeDefined();
    expect(JSON.parse(readFileSync(join(dataDir, 'keyring.json'), 'utf8')).format).toBe(
      'omega-keyring-encrypted',
    );
    expect(
      migrated
        .keys()
        .map((k) => k.kid)
        .sort(),
    ).toEqual(
      crypto
        .keys()
        .map((k) => k.kid)
        .sort(),
    );
  });

  it('reads the key from OMEGA_KEYRING_KEY or a 0600 OMEGA_KEYRING_KEY_FILE', async () => {
    expect(keyringKeyFromEnv({ OMEGA_KEYRING_KEY: KEY })).toBe(KEY);
    const file = join(await tempDir(), 'key');
    writeFileSync(file, `${KEY}\n`, { mode: 0o600 });
    expect(keyringKeyFromEnv({ OMEGA_KEYRING_KEY_FILE: file })).toBe(KEY);
    chmodSync(file, 0o644);
    expect(() => keyringKeyFromEnv({ OMEGA_KEYRING_KEY_FILE: file })).toThrow(/chmod 600/);
    expect(keyringKeyFromEnv({})).toBeUndefined();
  });
});
