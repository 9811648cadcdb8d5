import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  encodeProbePacket,
  type Netprobe,
  PROBE_PACKET_BYTES,
  startNetprobe,
  tcpConnectRtt,
} from '../../src/netprobe/index.js';
import { reporterHarness } from '../resources/helpers/reporter-harness.js';

/*
 * Two real probe agents on loopback (each its own UDP responder and prober), driven by plans as
 * the resources plugin hands them out; traffic only to 127.0.0.1.
 */

const stops: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s();
});
const until = async <T>(f: () => T | undefined | false, ms = 10_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`not true within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

async function kernelListener(): Promise<{ url: string; accepted: () => number }> {
  let n = 0;
  const server: Server = createServer((s) => {
    n++;
    s.on('error', () => {});
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  stops.push(() => new Promise((r) => server.close(r)));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, accepted: () => n };
}

async function agent(server: string, idleIntervalMs = 60_000) {
  const h = reporterHarness();
  const p = await startNetprobe(h.host, { port: 0, host: '127.0.0.1', server: () => server, idleIntervalMs });
  stops.push(() => p.stop());
  return { h, p };
}

const plan = (
  key: Buffer,
  keyId: number,
  peers: Array<{ node: string; p: Netprobe }>,
  over: Record<string, unknown> = {},
) => ({
  id: `np.test.${keyId}`,
  key: key.toString('base64url'),
  keyId,
  intervalMs: 1_000,
  packets: 4,
  spacingMs: 20,
  timeoutMs: 300,
  windowMs: 10_000,
  peers: peers.map((x) => ({ node: x.node, address: '127.0.0.1', port: x.p.port })),
  kernel: { everyRounds: 1, count: 2 },
  ...over,
});

describe('netprobe on loopback', () => {
  it('two agents probe each other and the kernel: every probe answered, RTTs and jitter reported as net.probe', async () => {
    const k = await kernelListener();
    const a = await agent(k.url);
    const b = await agent(k.url);
    const key = randomBytes(32);
    expect(await a.h.call('netprobe.plan', plan(key, 1, [{ node: 'nd-b', p: b.p }]))).toEqual({
      plan: 'np.test.1',
      listen: { address: '127.0.0.1', port: a.p.port },
    });
    await b.h.call('netprobe.plan', plan(key, 1, [{ node: 'nd-a', p: a.p }]));
    const report = await until(() => {
      const r = a.h.last<{ plan: string; peers: Array<{ sent: number }>; kernel?: { sent: number } }>(
        'net.probe',
      );
      return r && r.plan === 'np.test.1' && (r.peers[0]?.sent ?? 0) >= 8 && (r.kernel?.sent ?? 0) >= 2 && r;
    });
    const peer = (report as unknown as { peers: Array<Record<string, unknown>> }).peers[0]!;
    expect(peer).toMatchObject({ node: 'nd-b', address: '127.0.0.1', port: b.p.port, loss: 0 });
    expect(peer.received).toBe(peer.sent);
    const rtt = peer.rttMs as { min: number; p50: number; p99: number; max: number };
    expect(rtt.min).toBeGreaterThan(0);
    expect(rtt.min).toBeLessThanOrEqual(rtt.p50);
    expect(rtt.p50).toBeLessThanOrEqual(rtt.p99);
    expect(rtt.p99).toBeLessThanOrEqual(rtt.max);
    expect(peer.jitterMs).toEqual(expect.any(Number));
    expect((report as unknown as { kernel: Record<string, unknown> }).kernel).toMatchObject({
      host: '127.0.0.1',
      method: 'tcp-connect',
      loss: 0,
    });
    expect(k.accepted()).toBeGreaterThanOrEqual(2);
    expect(b.p.status().responder.answered).toBeGreaterThanOrEqual(8);
  });

  it('the responder answers only authenticated probes, at the request size, within its rate; a rotated key still works for one plan', async () => {
    const k = await kernelListener();
    const a = await agent(k.url);
    const key1 = randomBytes(32);
    await a.h.call('netprobe.plan', plan(key1, 1, []));
    const s = createSocket('udp4');
    stops.push(() => new Promise<void>((r) => s.close(() => r())));
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
    const replies: Buffer[] = [];
    s.on('message', (m) => replies.push(m));
    const send = (b: Buffer) => s.send(b, a.p.port, '127.0.0.1');
    const run = randomBytes(8);
    const req = (key: Buffer, keyId: number, seq: number) =>
      encodeProbePacket({ kind: 'request', keyId, seq, sentAt: 1, run }, key);
    send(req(randomBytes(32), 1, 1)); // a stranger's key
    send(randomBytes(PROBE_PACKET_BYTES)); // noise of the right size
    send(Buffer.alloc(1000)); // too big
    send(req(key1, 1, 2)); // ours
    await until(() => replies.length >= 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(replies.map((r) => [r.length, r.readUInt32BE(8)])).toEqual([[PROBE_PACKET_BYTES, 2]]);
    expect(a.p.status().responder).toMatchObject({ answered: 1, rejected: 3 });

    // Rotation: the previous key keeps working for one plan, the one before is refused.
    const key2 = randomBytes(32);
    await a.h.call('netprobe.plan', { ...plan(key2, 2, []), id: 'np.test.2' });
    send(req(key1, 1, 3));
    send(req(key2, 2, 4));
    await until(() => replies.length >= 3);
    await a.h.call('netprobe.plan', { ...plan(randomBytes(32), 3, []), id: 'np.test.3' });
    send(req(key1, 1, 5));
    send(req(key2, 2, 6));
    await until(() => replies.length >= 4);
    await new Promise((r) => setTimeout(r, 100));
    expect(replies.map((r) => r.readUInt32BE(8)).sort()).toEqual([2, 3, 4, 6]);

    // A flood from one source: at most 200 answers in a second, the rest counted as limited.
    replies.length = 0;
    for (let i = 0; i < 400; i++) send(req(key2, 2, 1000 + i));
    await new Promise((r) => setTimeout(r, 300));
    const st = a.p.status().responder;
    expect(replies.length).toBeLessThanOrEqual(200);
    expect(st.limited).toBeGreaterThan(0);
  });

  it('a peer that does not answer shows 100 % loss; a refused plan keeps the old one', async () => {
    const k = await kernelListener();
    const a = await agent(k.url);
    const silent = createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', r));
    stops.push(() => new Promise<void>((r) => silent.close(() => r())));
    const key = randomBytes(32);
    await a.h.call('netprobe.plan', {
      ...plan(key, 1, []),
      peers: [{ node: 'nd-gone', address: '127.0.0.1', port: silent.address().port }],
    });
    await expect(a.h.call('netprobe.plan', { ...plan(key, 1, []), packets: 0 })).rejects.toMatchObject({
      code: 'OMEGA_ERR_VALIDATION',
    });
    const r = await until(() => {
      const x = a.h.last<{ peers: Array<{ sent: number; received: number; loss?: number }> }>('net.probe');
      return x && (x.peers[0]?.sent ?? 0) >= 8 && x;
    });
    expect(r.peers[0]).toMatchObject({ node: 'nd-gone', received: 0, loss: 1 });
    expect(r.peers[0]).not.toHaveProperty('rttMs');
  });

  it('a TCP handshake to a listening port and to a closed one (its RST is an answer too)', async () => {
    const k = await kernelListener();
    const port = Number(new URL(k.url).port);
    const open = await tcpConnectRtt('127.0.0.1', port, 2_000);
    expect(open).toEqual({ rttMs: expect.any(Number) });
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const closedPort = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    expect(await tcpConnectRtt('127.0.0.1', closedPort, 2_000)).toEqual({ rttMs: expect.any(Number) });
  });
});
