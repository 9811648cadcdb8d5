/*
 * The load process of `npm run bench -- nodes`: many simulated node agents in one process, each
 * with its own Ed25519 identity and a real handshake and session through the agent's own code
 * (@omega/agent openSession: challenge verified, hello signed, X25519 + HKDF session keys, MAC'd
 * sequenced frames), heartbeating every heartbeatMs ± 10 % with a load summary. Nothing in the
 * kernel knows they are simulated. Driven over IPC by bench/nodes.bench.ts:
 *   parent → { t: 'start', url, tokens, count, rampPerSec, heartbeatMs }
 *   parent → { t: 'window' } (start a measurement window) | { t: 'pause', on } | { t: 'stats' } | { t: 'exit' }
 *   parent → { t: 'storm' } (the kernel is being restarted now: time the reconnects from here)
 *   child  → { t: 'progress', … } every 2 s, { t: 'stats', … } when asked.
 * A session that ends reconnects as the agent does (create-agent.ts): `resume` with its node id,
 * after the agent's jittered back-off (1 s doubling, ±20 %; a refusal's retryAfterSec spread).
 */
import {
  type AgentSession,
  createBackoff,
  generateIdentity,
  isTransientRefusal,
  jittered,
  openSession,
  retryAfterWait,
} from '@omega/agent';

interface Start {
  t: 'start';
  url: string;
  tokens: string[];
  count: number;
  rampPerSec: number;
  heartbeatMs: number;
}

const SPECS = {
  hostname: 'sim',
  agentVersion: '0.1.0',
  os: { platform: 'linux', arch: 'x64', kernel: 'sim' },
  cpu: { model: 'simulated', sockets: 1, cores: 8, threads: 16 },
  memory: { totalBytes: 64 * 2 ** 30, swapBytes: 0 },
  numa: [],
  gpus: [],
  disks: [],
  filesystems: [],
  interfaces: [],
  capacity: { cores: 8, threads: 16, memoryBytes: 64 * 2 ** 30, gpus: 0, configured: false },
  absent: {},
};

const send = (m: Record<string, unknown>) => process.send?.(m);

let paused = false;
let exiting = false;
let windowOn = false;
let connected = 0;
let handshakeFailures = 0;
/** Failed handshake attempts (retried after 1 s, then 2 s; a third failure counts in handshakeFailures). */
let retries = 0;
/** Set by the parent when the ramp ran out of time: no new agents are started. */
let rampStopped = false;
/** When each of the first and the latest joins completed (ms since the ramp began): the join rate as the registry grows. */
let rampStartedAt = 0;
const joinTimes: number[] = [];
let sessionsEnded = 0;
/** The restart storm: when it began (performance.now()), reconnects since, when the last agent was back. */
const storm = {
  at: 0,
  reconnected: 0,
  failedAttempts: 0,
  allBackMs: -1,
  firstBackMs: -1,
  /** Agents between sessions: sleeping before an attempt, and inside one (openSession). */
  waiting: 0,
  opening: 0,
  /** Failed attempts by code and the first words of the message: where a storm stalls. */
  failures: {} as Record<string, number>,
};
let total = 0;
const stats = { sent: 0, acked: 0, windowSent: 0, windowAcked: 0 };
/** hback latencies (ms): the whole run's first 2,000 (light load), then the window's. */
const early: number[] = [];
let windowLatencies: number[] = [];
const unacked = new Map<string, number>();

/** Reconnects simulated agent `i` (node `node`) as the agent does after a session ended. */
async function reconnect(
  i: number,
  o: Start,
  identity: ReturnType<typeof generateIdentity>,
  node: string,
): Promise<void> {
  const backoff = createBackoff();
  // As the agent after a healthy session: the back-off starts over, the first wait is 1 s ± 20 %.
  let wait = backoff.next();
  for (;;) {
    storm.waiting++;
    await new Promise((r) => setTimeout(r, wait));
    storm.waiting--;
    storm.opening++;
    try {
      const session = await openSession({
        server: o.url,
        identity,
        hello: { mode: 'resume', node, name: `sim-${i}`, specs: SPECS, agentVersion: '0.1.0' },
        timeoutMs: 60_000,
      }).finally(() => {
        storm.opening--;
      });
      connected++;
      if (storm.at > 0) {
        storm.reconnected++;
        const ms = performance.now() - storm.at;
        if (storm.firstBackMs < 0) storm.firstBackMs = ms;
        if (connected === total) storm.allBackMs = ms;
      }
      simulate(i, o, session, identity);
      return;
    } catch (err) {
      const e = err as Error & { code?: string; extras?: { retryAfterSec?: number; kernelCode?: string } };
      storm.failedAttempts++;
      const why = `${e.code ?? 'error'} ${e.extras?.kernelCode ?? ''} ${String(e.message).split(/[:(]/)[0]!.slice(0, 60)}`;
      storm.failures[why] = (storm.failures[why] ?? 0) + 1;
      const transient = e.code === 'OMEGA_ERR_AGENT_REFUSED' && isTransientRefusal(e as never);
      if (e.code === 'OMEGA_ERR_AGENT_REFUSED' && !transient) {
        send({
          t: 'error',
          i,
          attempt: 0,
          message: `resume refused for good: ${e.extras?.kernelCode} ${e.message}`,
        });
        return;
      }
      wait =
        transient && typeof e.extras?.retryAfterSec === 'number'
          ? retryAfterWait(e.extras.retryAfterSec)
          : backoff.next();
    }
  }
}

function simulate(
  i: number,
  o: Start,
  session: AgentSession,
  identity: ReturnType<typeof generateIdentity>,
): void {
  const pending = new Map<number, number>();
  let n = 0;
  session.onFrame((f) => {
    if (f.k === 'hback') {
      const at = pending.get(f.n);
      if (at === undefined) return;
      pending.delete(f.n);
      unacked.delete(`${i}:${f.n}`);
      const ms = performance.now() - at;
      stats.acked++;
      if (early.length < 2000) early.push(ms);
      if (windowOn) {
        stats.windowAcked++;
        windowLatencies.push(ms);
      }
    } else if (f.k === 'cmd') {
      session.send({ k: 'result', id: f.id, ok: true, data: { pong: true, agentTime: Date.now() } });
    }
  });
  const beat = () => {
    timer = setTimeout(beat, jittered(o.heartbeatMs, 0.1));
    if (paused) return;
    n++;
    const now = performance.now();
    pending.set(n, now);
    unacked.set(`${i}:${n}`, now);
    stats.sent++;
    if (windowOn) stats.windowSent++;
    session.send({
      k: 'hb',
      n,
      t: Date.now(),
      load: {
        cpu: 0.25,
        load1: 1,
        load5: 1,
        load15: 1,
        memUsed: 2 ** 33,
        memTotal: 2 ** 36,
        netRxBps: 1000,
        netTxBps: 1000,
      },
    });
  };
  // Spread the first heartbeats over one period, so the ramp's shape does not stay in the load.
  let timer = setTimeout(beat, Math.random() * o.heartbeatMs);
  void session.ended.then(() => {
    clearTimeout(timer);
    for (const k of pending.keys()) unacked.delete(`${i}:${k}`);
    connected--;
    sessionsEnded++;
    if (!exiting) void reconnect(i, o, identity, session.welcome.node);
  });
}

async function run(o: Start): Promise<void> {
  let started = 0;
  let inFlight = 0;
  const maxInFlight = 64;
  const connectOne = async (i: number): Promise<void> => {
    inFlight++;
    // One key per simulated node, kept across retries as a real agent keeps its identity: a join
    // the kernel completed after the handshake timed out is then found again, not name-taken.
    const identity = generateIdentity();
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          const session = await openSession({
            server: o.url,
            identity,
            hello: {
              mode: 'join',
              token: o.tokens[Math.floor(i / 10_000)]!,
              name: `sim-${i}`,
              specs: SPECS,
              agentVersion: '0.1.0',
            },
            timeoutMs: 60_000,
          });
          connected++;
          joinTimes.push(performance.now() - rampStartedAt);
          simulate(i, o, session, identity);
          return;
        } catch (err) {
          const e = err as Error & { code?: string; extras?: { kernelCode?: string } };
          retries++;
          send({
            t: 'error',
            i,
            attempt,
            message: `${e.code ?? ''} ${e.extras?.kernelCode ?? ''} ${e.message}`,
          });
          if (attempt >= 3) {
            handshakeFailures++;
            return;
          }
          await new Promise((r) => setTimeout(r, 1000 * attempt));
        }
      }
    } finally {
      inFlight--;
    }
  };
  const tick = 50;
  const perTick = Math.max(1, Math.round((o.rampPerSec * tick) / 1000));
  await new Promise<void>((resolve) => {
    const t = setInterval(() => {
      for (let j = 0; j < perTick && started < o.count && inFlight < maxInFlight && !rampStopped; j++)
        void connectOne(started++);
      if (started >= o.count || rampStopped) {
        clearInterval(t);
        resolve();
      }
    }, tick);
  });
}

/** Joins per second over the first 1,000 joins and over the last 1,000. */
function joinRate(): { first: number; last: number } {
  const rate = (xs: number[]) =>
    xs.length < 2 ? Number.NaN : ((xs.length - 1) * 1000) / (xs.at(-1)! - xs[0]!);
  return { first: rate(joinTimes.slice(0, 1000)), last: rate(joinTimes.slice(-1000)) };
}

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};

setInterval(() => {
  send({
    t: 'progress',
    connected,
    handshakeFailures,
    sessionsEnded,
    sent: stats.sent,
    acked: stats.acked,
    storm,
  });
}, 2000).unref();

process.on('message', (m: { t: string; on?: boolean } & Partial<Start>) => {
  if (m.t === 'start') {
    rampStartedAt = performance.now();
    total = (m as Start).count;
    void run(m as Start);
  } else if (m.t === 'stop-ramp') {
    rampStopped = true;
  } else if (m.t === 'window') {
    windowOn = true;
    windowLatencies = [];
    stats.windowSent = 0;
    stats.windowAcked = 0;
  } else if (m.t === 'storm') {
    total = connected;
    storm.at = performance.now();
  } else if (m.t === 'pause') paused = m.on === true;
  else if (m.t === 'stats') {
    windowOn = false;
    const now = performance.now();
    // Heartbeats older than 10 s without an hback are lost (a healthy round trip takes ms).
    let lost = 0;
    for (const at of unacked.values()) if (now - at > 10_000) lost++;
    const cpu = process.cpuUsage();
    send({
      t: 'stats',
      connected,
      handshakeFailures,
      retries,
      joinRate: joinRate(),
      sessionsEnded,
      sent: stats.sent,
      acked: stats.acked,
      windowSent: stats.windowSent,
      windowAcked: stats.windowAcked,
      lost,
      early: { n: early.length, p50: pct(early, 50), p99: pct(early, 99) },
      window: {
        n: windowLatencies.length,
        p50: pct(windowLatencies, 50),
        p99: pct(windowLatencies, 99),
        max: pct(windowLatencies, 100),
      },
      cpuSec: (cpu.user + cpu.system) / 1e6,
      storm,
      rssBytes: process.memoryUsage().rss,
    });
  } else if (m.t === 'exit') {
    exiting = true;
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
// Whatever ends this process early is told to the parent first (it reports it), never silent.
for (const event of ['uncaughtException', 'unhandledRejection'] as const)
  process.on(event, (err: unknown) => {
    send({
      t: 'fatal',
      message: `${event}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    });
    setTimeout(() => process.exit(70), 200);
  });
