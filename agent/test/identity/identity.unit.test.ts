import { createPublicKey, verify } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { writeAgentState } from '../../src/identity/agent-state.js';
import { hasAgentErrorCode, keyFingerprint, loadOrCreateIdentity, readAgentState } from '../../src/index.js';

/** A fresh temp dir, removed when the test finishes. */
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'omega-id-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

const identityError = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(hasAgentErrorCode(err, 'OMEGA_ERR_AGENT_IDENTITY')).toBe(true);
    return (err as Error).message;
  }
  throw new Error('accepted');
};

describe('the agent identity in its data directory', () => {
  it('is generated once (0600 key in a 0700 dir), then the same key is loaded again and signs', () => {
    const dir = join(tempDir(), 'data');
    const a = loadOrCreateIdentity(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'identity.key')).mode & 0o777).toBe(0o600);
    const b = loadOrCreateIdentity(dir);
    expect(b.publicKey).toBe(a.publicKey);
    expect(a.fingerprint).toBe(keyFingerprint(a.publicKey));
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: a.publicKey }, format: 'jwk' });
    expect(verify(null, Buffer.from('hello'), key, Buffer.from(b.sign('hello'), 'base64url'))).toBe(true);
  });

  it('refuses a key others can read, a corrupt key, a group-writable dir — never replaces the identity', () => {
    const dir = tempDir();
    loadOrCreateIdentity(dir);
    const file = join(dir, 'identity.key');
    const before = readFileSync(file, 'utf8');
    chmodSync(file, 0o644);
    expect(identityError(() => loadOrCreateIdentity(dir))).toMatch(/chmod 600/);
    chmodSync(file, 0o600);
    writeFileSync(file, 'garbage', { mode: 0o600 });
    expect(identityError(() => loadOrCreateIdentity(dir))).toMatch(/cannot be read/);
    writeFileSync(file, before);
    chmodSync(dir, 0o770);
    expect(identityError(() => loadOrCreateIdentity(dir))).toMatch(/chmod 700/);
  });

  it('keeps the joined state atomically (0600) and refuses a corrupt or open one', () => {
    const dir = tempDir();
    expect(readAgentState(dir)).toBeUndefined();
    const state = {
      version: 1 as const,
      node: 'nd-1',
      name: 'n1',
      server: 'http://k:1',
      kernelKeys: [{ kid: 'k1', publicKey: 'A'.repeat(43) }],
      joinedAt: new Date().toISOString(),
    };
    writeAgentState(dir, state);
    expect(readAgentState(dir)).toEqual(state);
    expect(statSync(join(dir, 'agent.json')).mode & 0o777).toBe(0o600);
    writeFileSync(join(dir, 'agent.json'), JSON.stringify({ ...state, kernelKeys: [] }));
    expect(identityError(() => readAgentState(dir))).toMatch(/kernelKeys/);
    chmodSync(join(dir, 'agent.json'), 0o644);
    expect(identityError(() => readAgentState(dir))).toMatch(/chmod 600/);
  });
});
