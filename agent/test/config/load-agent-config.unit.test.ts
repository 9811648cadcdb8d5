import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  canonicalCertSha256,
  certSha256OfToken,
  hasAgentErrorCode,
  loadAgentConfig,
} from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'omega-agent-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const HEX = 'ab'.repeat(32);
const B64 = Buffer.from(HEX, 'hex').toString('base64url');

/** The error message of a refused config (which must be OMEGA_ERR_AGENT_CONFIG). */
const refused = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(hasAgentErrorCode(err, 'OMEGA_ERR_AGENT_CONFIG')).toBe(true);
    return (err as Error).message;
  }
  throw new Error('accepted');
};

describe('agent configuration: file, then OMEGA_AGENT_* environment, then flags', () => {
  it('later sources win, paths resolve, the name defaults to the hostname', () => {
    const file = join(dir, 'a.json');
    writeFileSync(
      file,
      JSON.stringify({ server: 'http://file:1', name: 'from-file', discovery: { port: 9 } }),
    );
    const c = loadAgentConfig({
      file,
      env: { OMEGA_AGENT_SERVER: 'http://env:2', OMEGA_AGENT_DISCOVERY: 'off', OMEGA_AGENT_DATA_DIR: 'rel' },
      flags: { server: 'https://flag:3', 'discovery-interface': ['br0', 'eth1'] },
    });
    expect(c.server).toBe('https://flag:3');
    expect(c.name).toBe('from-file');
    expect(c.discovery).toEqual({ enabled: false, interfaces: ['br0', 'eth1'], port: 9 });
    expect(c.dataDir).toBe(join(process.cwd(), 'rel'));
    expect(loadAgentConfig({ flags: { 'data-dir': dir } }).name).toMatch(/^[A-Za-z0-9]/);
  });

  it('names the bad field and where it came from', () => {
    expect(refused(() => loadAgentConfig({ flags: { server: 'ftp://x', 'data-dir': dir } }))).toMatch(
      /^server \(--server\): must be the kernel URL/,
    );
    expect(refused(() => loadAgentConfig({ env: { OMEGA_AGENT_DISCOVERY_PORT: 'eighty' } }))).toMatch(
      /^discovery\.port \(OMEGA_AGENT_DISCOVERY_PORT\): expected a whole number/,
    );
    expect(refused(() => loadAgentConfig({ env: { OMEGA_AGENT_DISCOVERY: 'maybe' } }))).toMatch(
      /OMEGA_AGENT_DISCOVERY/,
    );
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ name: 'has space', dataDir: dir }));
    expect(refused(() => loadAgentConfig({ file }))).toMatch(new RegExp(`^name \\(${file}\\)`));
    writeFileSync(file, JSON.stringify({ surprise: true, dataDir: dir }));
    expect(refused(() => loadAgentConfig({ file }))).toMatch(/surprise|unrecognized/i);
    writeFileSync(file, '{nope');
    expect(refused(() => loadAgentConfig({ file }))).toMatch(/not JSON/);
    expect(refused(() => loadAgentConfig({ flags: { 'join-token': 'abcdefgh1', 'data-dir': dir } }))).toMatch(
      /^server .*needs the server/,
    ); // zod's own "Too small: expected string to have >=8 characters" reached the operator (walk)
    expect(
      refused(() => loadAgentConfig({ flags: { server: 'http://k:1', 'join-token': 'x', 'data-dir': dir } })),
    ).toBe('joinToken (--join-token): is too short to be a join token (omega nodes token create prints one)');
  });

  it('reads a join token from a file, never both a token and a file', () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'omg-join.abcdefghijkl.secret-secret\n');
    const c = loadAgentConfig({
      flags: { server: 'http://k:1', 'join-token-file': tokenFile, 'data-dir': dir },
    });
    expect(c.joinToken).toBe('omg-join.abcdefghijkl.secret-secret');
    expect(
      refused(() =>
        loadAgentConfig({
          flags: {
            server: 'http://k:1',
            'join-token-file': tokenFile,
            'join-token': 'abcdefgh12',
            'data-dir': dir,
          },
        }),
      ),
    ).toMatch(/not both/);
  });

  it('takes the certificate pin from the token, from hex or base64url, and refuses a disagreement', () => {
    expect(canonicalCertSha256(HEX)).toBe(B64);
    expect(canonicalCertSha256(`sha256:${HEX.toUpperCase().match(/../g)!.join(':')}`)).toBe(B64);
    expect(canonicalCertSha256(B64)).toBe(B64);
    expect(canonicalCertSha256('abc')).toBeUndefined();
    const token = `omg-join.abcdefghijkl.${'s'.repeat(43)}.${B64}`;
    expect(certSha256OfToken(token)).toBe(B64);
    expect(certSha256OfToken(`omg-join.abcdefghijkl.${'s'.repeat(43)}`)).toBeUndefined();
    const c = loadAgentConfig({ flags: { server: 'https://k:1', 'join-token': token, 'data-dir': dir } });
    expect(c.certSha256).toBe(B64);
    const other = 'cd'.repeat(32);
    expect(
      refused(() =>
        loadAgentConfig({
          flags: { server: 'https://k:1', 'join-token': token, 'cert-sha256': other, 'data-dir': dir },
        }),
      ),
    ).toMatch(/^certSha256 \(--cert-sha256\): differs/);
  });
});
