import { randomBytes } from 'node:crypto';
import type { ReporterHost } from '../resources/reporter-host.js';
import { kernelTarget } from './kernel-target.js';
import { encodeProbePacket } from './probe-packet.js';
import { type ProbePlan, parseProbePlan } from './probe-plan.js';
import { openProbeSocket, type ProbeSocket, type ResponderStats } from './probe-socket.js';
import { createProbeWindow, type ProbeSample, type ProbeWindow, type WindowSummary } from './probe-window.js';
import { sourceAddressToward } from './source-address.js';
import { tcpConnectRtt } from './tcp-connect-rtt.js';

/** Report topic of the probe results (one per round). */
export const NET_PROBE_TOPIC = 'net.probe';
/** Default UDP port of the probe responder. */
export const DEFAULT_PROBE_PORT = 7799;

/** Options of {@link startNetprobe}. */
export interface NetprobeOptions {
  /** UDP port to answer probes on (default 7799; 0: any free port, reported to the plugin). */
  port?: number;
  /** Address to bind (default all IPv4, and all IPv6 where available). */
  host?: string;
  /** Address peers should probe (default: this machine's source address toward the kernel). */
  advertiseAddress?: string;
  /** The kernel's URL (read each round: the agent learns it at join). */
  server(): string | undefined;
  /** Until a plan arrives: a round (kernel probe and report) every this many ms (default 30 s). */
  idleIntervalMs?: number;
  /** Until a plan arrives: the window the kernel figures cover (default 5 min). */
  idleWindowMs?: number;
}

/** One target's figures as reported. */
export type TargetReport = WindowSummary & { lastError?: string };

/** The `net.probe` report. */
export interface NetProbeReport {
  v: 1;
  at: number;
  /** The plan in force (null before the first). */
  plan: string | null;
  /** Where this agent answers probes. */
  listen: { address?: string; port: number };
  intervalMs: number;
  windowMs: number;
  peers: Array<{ node: string; name?: string; address: string; port: number } & TargetReport>;
  /** TCP handshakes to the kernel's port (absent before the agent knows the kernel). */
  kernel?: { host: string; port: number; method: 'tcp-connect' } & TargetReport;
  responder: ResponderStats;
}

/** The running prober and responder. */
export interface Netprobe {
  readonly port: number;
  /** The report as it would be sent now. */
  status(): NetProbeReport;
  stop(): Promise<void>;
}

interface Pending {
  sentAt: number;
  resolve(rttMs: number | null): void;
  timer: NodeJS.Timeout;
}

const IDLE = { everyRounds: 1, count: 1 };

/**
 * Starts the agent's network probe: the UDP responder (answers peers' authenticated probes),
 * the `netprobe.plan` and `netprobe.status` ops, and rounds: each round sends `packets` probes
 * to every peer of the plan (each peer's burst at a random moment of the round, so a cluster's
 * probes do not line up) and times `count` TCP handshakes to the kernel every `everyRounds`
 * rounds; at the start of the next round it reports the window's figures as `net.probe`.
 * Before any plan it still probes the kernel and reports, so the plugin learns where this
 * agent listens. Cost: see docs/network.md.
 */
export async function startNetprobe(host: ReporterHost, o: NetprobeOptions): Promise<Netprobe> {
  let plan: ProbePlan | undefined;
  const keys = new Map<number, Buffer>();
  const pending = new Map<number, Pending>();
  const windows = new Map<string, ProbeWindow>();
  const lastErrors = new Map<string, string>();
  const run = randomBytes(8);
  let seq = 0;
  let advertised = o.advertiseAddress;
  let stopped = false;
  let round = 0;
  let reported = false;
  let timer: NodeJS.Timeout | undefined;
  const bursts = new Set<NodeJS.Timeout>();

  const socket: ProbeSocket = await openProbeSocket({
    port: o.port ?? DEFAULT_PROBE_PORT,
    ...(o.host ? { host: o.host } : {}),
    keyFor: (id) => keys.get(id),
    onReply(p) {
      if (!p.run.equals(run)) return;
      const w = pending.get(p.seq);
      if (!w) return;
      pending.delete(p.seq);
      clearTimeout(w.timer);
      w.resolve(performance.now() - w.sentAt);
    },
  });

  const intervalMs = () => plan?.intervalMs ?? o.idleIntervalMs ?? 30_000;
  const windowMs = () => plan?.windowMs ?? o.idleWindowMs ?? 300_000;
  const windowOf = (key: string) => {
    let w = windows.get(key);
    if (!w) {
      w = createProbeWindow(windowMs());
      windows.set(key, w);
    }
    return w;
  };

  /** One probe to a peer: its RTT, or null when unanswered within the plan's timeout. */
  const probeOnce = (p: ProbePlan, address: string, port: number): Promise<number | null> =>
    new Promise((resolve) => {
      const key = keys.get(p.keyId);
      if (!key) return resolve(null);
      seq = (seq + 1) >>> 0;
      const s = seq;
      const sentAt = performance.now();
      const t = setTimeout(() => {
        pending.delete(s);
        resolve(null);
      }, p.timeoutMs);
      pending.set(s, { sentAt, resolve, timer: t });
      socket.send(
        encodeProbePacket({ kind: 'request', keyId: p.keyId, seq: s, sentAt, run }, key),
        port,
        address,
      );
    });

  const burst = async (p: ProbePlan, peer: ProbePlan['peers'][number]) => {
    const results: Array<Promise<ProbeSample>> = [];
    for (let i = 0; i < p.packets && !stopped; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, p.spacingMs));
      const at = Date.now();
      results.push(probeOnce(p, peer.address, peer.port).then((rttMs) => ({ at, rttMs })));
    }
    const samples = await Promise.all(results);
    if (stopped || plan !== p) return;
    const w = windowOf(`peer:${peer.node}`);
    for (const s of samples) w.add(s);
  };

  const probeKernel = async (count: number) => {
    const target = kernelTarget(o.server());
    if (!target) return;
    const w = windowOf('kernel');
    for (let i = 0; i < count && !stopped; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 100));
      const at = Date.now();
      const r = await tcpConnectRtt(target.host, target.port, Math.min(2_000, intervalMs() / 2));
      if ('rttMs' in r) w.add({ at, rttMs: r.rttMs });
      else {
        w.add({ at, rttMs: null });
        lastErrors.set('kernel', r.reason);
      }
    }
  };

  const status = (): NetProbeReport => {
    const now = Date.now();
    const report: NetProbeReport = {
      v: 1,
      at: now,
      plan: plan?.id ?? null,
      listen: { ...(advertised ? { address: advertised } : {}), port: socket.port },
      intervalMs: intervalMs(),
      windowMs: windowMs(),
      peers: (plan?.peers ?? []).map((peer) => ({
        node: peer.node,
        ...(peer.name ? { name: peer.name } : {}),
        address: peer.address,
        port: peer.port,
        ...(windows.get(`peer:${peer.node}`)?.summary(now) ?? { sent: 0, received: 0 }),
      })),
      responder: { ...socket.stats },
    };
    const target = kernelTarget(o.server());
    const kw = windows.get('kernel');
    if (target && kw) {
      const err = lastErrors.get('kernel');
      report.kernel = {
        ...target,
        method: 'tcp-connect',
        ...kw.summary(now),
        ...(err ? { lastError: err } : {}),
      };
    }
    return report;
  };

  const learnAddress = async () => {
    if (o.advertiseAddress) return;
    const target = kernelTarget(o.server());
    if (target) advertised = (await sourceAddressToward(target.host, target.port)) ?? advertised;
  };

  const tick = () => {
    if (stopped) return;
    round++;
    if (host.connected() && (round - 1) % (plan?.reportEveryRounds ?? 1) === 0) {
      try {
        host.report(NET_PROBE_TOPIC, status());
        reported = true;
      } catch (err) {
        host.log.warn({ err: (err as Error).message }, 'net.probe report not sent');
      }
    }
    void learnAddress();
    const p = plan;
    const k = p?.kernel ?? IDLE;
    if (k.count > 0 && round % k.everyRounds === 0) void probeKernel(k.count);
    if (p) {
      const burstMs = p.packets * p.spacingMs + p.timeoutMs;
      const spread = Math.max(0, p.intervalMs - burstMs) / 2;
      for (const peer of p.peers) {
        const b = setTimeout(() => {
          bursts.delete(b);
          void burst(p, peer);
        }, Math.random() * spread);
        bursts.add(b);
      }
    }
    // Until the plugin has heard from this agent once (it learns where to send probes from the
    // report), try again within 2 s rather than a whole idle round later.
    const next = reported || plan ? intervalMs() : Math.min(intervalMs(), 2_000);
    timer = setTimeout(tick, next * (0.9 + Math.random() * 0.2));
  };

  const undoPlan = host.ops.register('netprobe.plan', (args) => {
    const next = parseProbePlan(args);
    const key = Buffer.from(next.key, 'base64url');
    // Keep the key in force one more plan: peers that have not switched yet still get answers.
    const keep = plan ? [plan.keyId] : [];
    for (const id of [...keys.keys()]) if (!keep.includes(id)) keys.delete(id);
    keys.set(next.keyId, key);
    const intervalChanged = plan?.intervalMs !== next.intervalMs;
    const names = new Set(next.peers.map((p) => `peer:${p.node}`));
    for (const k of [...windows.keys()]) if (k !== 'kernel' && !names.has(k)) windows.delete(k);
    if (plan?.windowMs !== next.windowMs) windows.clear();
    plan = next;
    host.log.info(
      { plan: next.id, peers: next.peers.length, intervalMs: next.intervalMs, packets: next.packets },
      'probe plan applied',
    );
    if (intervalChanged && !stopped) {
      clearTimeout(timer);
      timer = setTimeout(tick, Math.random() * Math.min(next.intervalMs, 2_000));
    }
    return { plan: next.id, listen: { ...(advertised ? { address: advertised } : {}), port: socket.port } };
  });
  const undoStatus = host.ops.register('netprobe.status', () => status());

  await learnAddress();
  timer = setTimeout(tick, Math.random() * Math.min(intervalMs(), 2_000));
  host.log.info({ port: socket.port, address: advertised }, 'probe responder listening');

  return {
    port: socket.port,
    status,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      for (const b of bursts) clearTimeout(b);
      for (const p of pending.values()) {
        clearTimeout(p.timer);
        p.resolve(null);
      }
      pending.clear();
      undoPlan();
      undoStatus();
      await socket.close();
    },
  };
}
