import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pendingAgents } from '../src/discovery/pending-agents.js';

/* The pending list from what the LAN announces: hostile input in, claims shown, never trusted. */

const fpOf = () => {
  const raw = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x as string;
  return createHash('sha256').update(Buffer.from(raw, 'base64url')).digest();
};
const seen = (name: string, fp: string, addresses: string[], txt: Record<string, string> = {}) => ({
  name,
  addresses,
  port: 7701,
  txt: { name, fp, cpus: '8', mem: '17179869184', gpus: '1', v: '0.1.0', ...txt },
  seenAt: Date.parse('2026-01-01T00:00:00Z'),
});
const none = { approved: new Map(), rejected: new Map() };

describe('pending agents', () => {
  it('one entry per key (every address), claims parsed, sorted by name', () => {
    const a = fpOf();
    const b = fpOf();
    const { items, ignored } = pendingAgents(
      [
        seen('zeta', a.toString('base64url'), ['10.0.0.2']),
        seen('zeta', a.toString('hex'), ['fe80::1', '10.0.0.2']),
        seen('alpha', b.toString('base64url'), ['10.0.0.3'], { cpus: 'lots', mem: '-1' }),
      ],
      none,
      () => false,
      false,
    );
    expect(ignored).toBe(0);
    expect(items.map((x) => x.name)).toEqual(['alpha', 'zeta']);
    expect(items[1]).toMatchObject({
      id: a.toString('base64url'),
      addresses: ['10.0.0.2', 'fe80::1'],
      claimed: { cpus: 8, memoryBytes: 17179869184, gpus: 1, agentVersion: '0.1.0' },
      status: 'pending',
    });
    expect(items[0]?.claimed).toEqual({ gpus: 1, agentVersion: '0.1.0' });
  });

  it('drops joined and rejected keys (all=true shows rejected), marks invited ones, ignores bad fingerprints', () => {
    const joined = fpOf().toString('base64url');
    const rejected = fpOf().toString('base64url');
    const invited = fpOf().toString('base64url');
    const decision = { by: 'admin', at: '2026-01-01T00:00:00Z', name: 'x' };
    const input = [
      seen('j', joined, ['10.0.0.4']),
      seen('r', rejected, ['10.0.0.5']),
      seen('i', invited, ['10.0.0.6']),
      seen('bad', 'not-a-fingerprint', ['10.0.0.7']),
      { ...seen('nofp', '', ['10.0.0.8']), txt: {} },
    ];
    const decisions = {
      approved: new Map([[invited, decision]]),
      rejected: new Map([[rejected, { ...decision, reason: 'no' }]]),
    };
    const some = pendingAgents(input, decisions, (fp) => fp === joined, false);
    expect(some.items.map((x) => [x.name, x.status])).toEqual([['i', 'invited']]);
    expect(some.ignored).toBe(2);
    const all = pendingAgents(input, decisions, (fp) => fp === joined, true);
    expect(all.items.map((x) => [x.name, x.status])).toEqual([
      ['i', 'invited'],
      ['r', 'rejected'],
    ]);
  });
});
