import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createLoadSampler } from '../agent/src/heartbeat/load-summary.js';
import { encodeProbePacket, openProbeSocket } from '../agent/src/netprobe/index.js';
import {
  type ReporterHost,
  silentReporterLogger,
  startResourceReporters,
} from '../agent/src/resources/index.js';
import { percentile, report } from './report.js';

/**
 * What the resource reporters and the network probe cost a node, each beside a same-run baseline:
 *
 * - Reporters: CPU per second of this machine's reporters (1 s sampler, 10 s sysfs round, a
 *   summary and an interfaces report every second here — 60× the default cadence), against the
 *   heartbeat's load sampler every agent already runs (createLoadSampler, 1 Hz), over
 *   BENCH_SECONDS (default 10) each. Report sizes from the reports themselves.
 * - Probe: CPU per probe round trip through two probe sockets on loopback (encode + HMAC, send,
 *   verify, reply + HMAC, verify), against a plain UDP echo of the same 48 bytes without MACs, one
 *   in flight, N (BENCH_PROBES, default 20,000) each. With the default plan (8 peers
 *   × 5 probes per 10 s, answered as often) a node handles 8 round trips per second.
 */

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const PROBES = Number(process.env.BENCH_PROBES ?? 20_000);

/** CPU ms of this process so far. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function reporters(reportEveryMs: number): Promise<{
  cpuPerSec: number;
  summaryBytes: number[];
  interfacesBytes: number[];
}> {
  const summaryBytes: number[] = [];
  const interfacesBytes: number[] = [];
  const host: ReporterHost = {
    report(topic, data) {
      const n = JSON.stringify(data).length;
      (topic === 'resources.summary' ? summaryBytes : interfacesBytes).push(n);
    },
    connected: () => true,
    ops: { register: () => () => {} },
    log: silentReporterLogger,
  };
  const r = startResourceReporters(host, { reportEveryMs });
  await sleep(2000); // first readings and the first slow round
  const start = cpuMs();
  await sleep(SECONDS * 1000);
  const cpu = cpuMs() - start;
  r.stop();
  return { cpuPerSec: cpu / SECONDS, summaryBytes, interfacesBytes };
}

async function loadSampler(): Promise<number> {
  const s = createLoadSampler();
  const stop = s.start();
  const timer = setInterval(() => s.sample(), 1000);
  await sleep(2000);
  const start = cpuMs();
  await sleep(SECONDS * 1000);
  const cpu = cpuMs() - start;
  clearInterval(timer);
  stop();
  return cpu / SECONDS;
}

/** Runs `n` round trips, `window` in flight; answers CPU µs per round trip and p50/p99 RTT µs. */
async function roundTrips(
  send: (seq: number) => void,
  onReply: (handler: (seq: number) => void) => void,
  n: number,
  window = 1,
): Promise<{ cpuUs: number; p50: number; p99: number }> {
  const sentAt = new Map<number, number>();
  const rtts: number[] = [];
  let next = 0;
  let done = 0;
  const finished = new Promise<void>((resolve) => {
    onReply((seq) => {
      const t = sentAt.get(seq);
      if (t === undefined) return;
      sentAt.delete(seq);
      rtts.push((performance.now() - t) * 1000);
      done++;
      if (done === n) resolve();
      else if (next < n) fire();
    });
  });
  const fire = () => {
    const seq = next++;
    sentAt.set(seq, performance.now());
    send(seq);
  };
  // Lost datagrams (a full socket buffer) are re-sent so every run completes.
  const resend = setInterval(() => {
    const now = performance.now();
    for (const [seq, t] of sentAt) {
      if (now - t <= 200) continue;
      sentAt.set(seq, now);
      send(seq);
    }
  }, 100);
  const start = cpuMs();
  for (let i = 0; i < window && next < n; i++) fire();
  await finished;
  const cpu = cpuMs() - start;
  clearInterval(resend);
  return { cpuUs: (cpu * 1000) / n, p50: percentile(rtts, 50), p99: percentile(rtts, 99) };
}

async function probeRoundTrips(n: number) {
  const key = randomBytes(32);
  const run = randomBytes(8);
  let handler: (seq: number) => void = () => {};
  const limits = { maxRepliesPerSec: 1e9, maxRepliesPerSourcePerSec: 1e9 };
  const responder = await openProbeSocket({
    port: 0,
    host: '127.0.0.1',
    keyFor: () => key,
    onReply() {},
    ...limits,
  });
  const prober = await openProbeSocket({
    port: 0,
    host: '127.0.0.1',
    keyFor: () => key,
    onReply: (p) => handler(p.seq),
    ...limits,
  });
  const r = await roundTrips(
    (seq) =>
      prober.send(
        encodeProbePacket({ kind: 'request', keyId: 1, seq, sentAt: performance.now(), run }, key),
        responder.port,
        '127.0.0.1',
      ),
    (h) => {
      handler = h;
    },
    n,
  );
  await prober.close();
  await responder.close();
  return r;
}

async function plainEcho(n: number) {
  const server = createSocket('udp4');
  server.on('message', (m, r) => server.send(m, r.port, r.address));
  await new Promise<void>((r) => server.bind(0, '127.0.0.1', () => r()));
  const client = createSocket('udp4');
  await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
  let handler: (seq: number) => void = () => {};
  client.on('message', (m) => handler(m.readUInt32BE(8)));
  const r = await roundTrips(
    (seq) => {
      const b = Buffer.alloc(48);
      b.writeUInt32BE(seq, 8);
      client.send(b, server.address().port, '127.0.0.1');
    },
    (h) => {
      handler = h;
    },
    n,
  );
  client.close();
  server.close();
  return r;
}

const base = await loadSampler();
const rep = await reporters(1000);
const quiet = await reporters(60_000);
report({
  name: 'reporters: CPU per second (default: reports every 60 s)',
  value: quiet.cpuPerSec,
  unit: 'ms/s',
  baseline: { name: 'heartbeat load sampler, 1 Hz', value: base },
});
report({
  name: 'reporters: CPU per second (reports every 1 s)',
  value: rep.cpuPerSec,
  unit: 'ms/s',
  baseline: { name: 'heartbeat load sampler, 1 Hz', value: base },
});
report({
  name: 'resources.summary size (median)',
  value: percentile(rep.summaryBytes, 50),
  unit: 'bytes',
  baseline: { name: 'report limit', value: 65_536 },
});
report({
  name: 'net.interfaces size (median)',
  value: percentile(rep.interfacesBytes, 50),
  unit: 'bytes',
  baseline: { name: 'report limit', value: 65_536 },
});
await probeRoundTrips(2000); // warm-up
await plainEcho(2000);
const echo = await plainEcho(PROBES);
const probe = await probeRoundTrips(PROBES);
report({
  name: 'probe round trip: CPU (both ends, HMAC both ways)',
  value: probe.cpuUs,
  unit: 'µs',
  baseline: { name: 'plain UDP echo, 48 bytes', value: echo.cpuUs },
});
report({
  name: 'probe round trip: RTT p50 on loopback',
  value: probe.p50,
  unit: 'µs',
  baseline: { name: 'plain UDP echo', value: echo.p50 },
});
report({
  name: 'probe round trip: RTT p99',
  value: probe.p99,
  unit: 'µs',
  baseline: { name: 'plain UDP echo', value: echo.p99 },
});
report({
  name: 'probe CPU per node at the default plan (8 trips/s)',
  value: (probe.cpuUs * 8) / 1000,
  unit: 'ms/s',
  baseline: { name: 'heartbeat load sampler, 1 Hz', value: base },
});
const cores = readFileSync('/proc/cpuinfo', 'utf8').match(/^processor\s*:/gm)?.length ?? 0;
console.log(`(${cores} logical CPUs, shared; BENCH_SECONDS=${SECONDS}, BENCH_PROBES=${PROBES})`);
