import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decodeProbePacket,
  encodeProbePacket,
  kernelTarget,
  PROBE_PACKET_BYTES,
  parseProbePlan,
  summarizeWindow,
} from '../../src/netprobe/index.js';

const key = randomBytes(32);
const other = randomBytes(32);
const packet = { kind: 'request' as const, keyId: 7, seq: 42, sentAt: 1234.5, run: randomBytes(8) };

/** A valid plan; tests change one field at a time. */
export const validPlan = (over: Record<string, unknown> = {}) => ({
  id: 'np.0a1b2c3d.1',
  key: key.toString('base64url'),
  keyId: 7,
  intervalMs: 1_000,
  packets: 3,
  spacingMs: 50,
  timeoutMs: 500,
  windowMs: 10_000,
  peers: [{ node: 'nd-b', name: 'b', address: '127.0.0.1', port: 40_000 }],
  kernel: { everyRounds: 1, count: 1 },
  ...over,
});

describe('probe datagrams', () => {
  it('round-trip with the key; any flipped byte, another key, another size or an unknown key id is dropped', () => {
    const b = encodeProbePacket(packet, key);
    expect(b.length).toBe(PROBE_PACKET_BYTES);
    expect(decodeProbePacket(b, (id) => (id === 7 ? key : undefined))).toEqual(packet);
    for (let i = 0; i < b.length; i++) {
      const bad = Buffer.from(b);
      bad[i] = bad[i]! ^ 0x01;
      expect(
        decodeProbePacket(bad, () => key),
        `byte ${i}`,
      ).toBeUndefined();
    }
    expect(decodeProbePacket(b, () => other)).toBeUndefined();
    expect(decodeProbePacket(b, () => undefined)).toBeUndefined();
    expect(decodeProbePacket(Buffer.concat([b, Buffer.alloc(1)]), () => key)).toBeUndefined();
    expect(decodeProbePacket(b.subarray(0, 40), () => key)).toBeUndefined();
  });
});

describe('the window figures', () => {
  it('loss, min/p50/p99/max/mean RTT and jitter (mean |Δ| of consecutive answers), exactly', () => {
    const s = summarizeWindow([
      { at: 1, rttMs: 1 },
      { at: 2, rttMs: 3 },
      { at: 3, rttMs: null },
      { at: 4, rttMs: 2 },
      { at: 5, rttMs: 10 },
    ]);
    expect(s).toEqual({
      sent: 5,
      received: 4,
      loss: 0.2,
      rttMs: { min: 1, p50: 2.5, p99: 9.79, max: 10, mean: 4 },
      jitterMs: 3.667,
      lastReplyAt: 5,
    });
    expect(summarizeWindow([{ at: 1, rttMs: null }])).toEqual({ sent: 1, received: 0, loss: 1 });
    expect(summarizeWindow([])).toEqual({ sent: 0, received: 0 });
  });
});

describe('probe plans', () => {
  it('a valid plan parses (report pacing defaults to every round)', () => {
    expect(parseProbePlan(validPlan())).toEqual({ ...validPlan(), reportEveryRounds: 1 });
  });

  it.each([
    ['a multicast peer', { peers: [{ node: 'x', address: '239.1.1.1', port: 1 }] }, 'peers.0.address'],
    [
      'the broadcast address',
      { peers: [{ node: 'x', address: '255.255.255.255', port: 1 }] },
      'peers.0.address',
    ],
    [
      'a name instead of an address',
      { peers: [{ node: 'x', address: 'example.com', port: 1 }] },
      'peers.0.address',
    ],
    [
      '65 peers',
      { peers: Array.from({ length: 65 }, (_, i) => ({ node: `n${i}`, address: '127.0.0.1', port: 1 })) },
      'peers',
    ],
    ['probes that do not fit the round', { packets: 20, spacingMs: 100 }, 'intervalMs'],
    ['a window shorter than a round', { windowMs: 500 }, 'windowMs'],
    ['a short key', { key: 'abc' }, 'key'],
    ['rounds faster than 1 s', { intervalMs: 10 }, 'intervalMs'],
  ])('refuses %s with OMEGA_ERR_VALIDATION naming the field', (_what, over, field) => {
    let caught: unknown;
    try {
      parseProbePlan(validPlan(over));
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ code: 'OMEGA_ERR_VALIDATION' });
    expect(
      (caught as { extras: { errors: Array<{ field: string }> } }).extras.errors.map((e) => e.field),
    ).toContain(field);
  });

  it('the kernel target comes from its URL (ports by scheme, IPv6 brackets dropped), nothing else', () => {
    expect(kernelTarget('http://10.203.7.1:7700')).toEqual({ host: '10.203.7.1', port: 7700 });
    expect(kernelTarget('https://omega.example')).toEqual({ host: 'omega.example', port: 443 });
    expect(kernelTarget('wss://[fd00::1]:8443/x')).toEqual({ host: 'fd00::1', port: 8443 });
    expect(kernelTarget('ftp://x')).toBeUndefined();
    expect(kernelTarget(undefined)).toBeUndefined();
  });
});
