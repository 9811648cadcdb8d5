import { connect, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import { cpuMs, cpuTicks } from './http-proc.js';
import { ResponseParser } from './response-parser.js';

/** Options of a fixed-rate (open-loop) run. */
export interface OpenLoopOptions {
  /** Requests per second, sent on schedule whatever the server's answers do. */
  rate: number;
  /** Measured seconds (after the warm-up). */
  seconds: number;
  /** Keep-alive connections the requests spread over (default 32, one request in flight on each); beyond them requests queue, and the wait counts. */
  connections?: number;
  headers?: Record<string, string>;
  /** Seconds at the same rate before the measured ones, not recorded (default 1): JIT and connections warm on both sides. */
  warmupSeconds?: number;
  /** Processes whose CPU time over the measured window is reported (the server, its plugin hosts). */
  pids?: number[];
  /** Also return the due and answer times of the measured requests at or above this latency percentile (0–100), e.g. 99: the slow ones, to set beside other processes' events. */
  slowFrom?: number;
}

/** Percentiles of one latency distribution, ms (nearest rank). */
export interface Distribution {
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

/** What one fixed-rate run measured over its measured window (the warm-up is not in it). */
export interface OpenLoopResult {
  /** Requests scheduled (rate × seconds) and answered. */
  requests: number;
  /** Achieved rate: answered requests over the window's wall time, req/s. */
  rps: number;
  /** Latency from each request's due time (wrk2's figure: no coordinated omission), ms. */
  p50: number;
  p99: number;
  p999: number;
  max: number;
  /** Latency from the moment the request's bytes were written, ms. */
  fromSend: Distribution;
  /** The generator's own lateness: when the pacer dispatched a request minus when it was due, ms. */
  lateness: Distribution;
  /** Requests that found every connection busy and waited for one (the wait is in the latency from due). */
  queued: number;
  /** Responses that were not 2xx, plus connection errors and timeouts. */
  bad: number;
  /** The generator process's CPU over the window, % of one core. */
  generatorCpu: number;
  /** CPU of each of `pids` over the window, % of one core (/proc ticks: 10 ms resolution). */
  pidCpu: number[];
  /** CPU time the hypervisor stole from this VM over the window, % of all CPUs' time (/proc/stat): a stolen vCPU stalls whatever ran on it. */
  steal: number;
  /**
   * With `slowFrom`: the requests at or above that percentile of latency from due, as
   * [due, answered] in ms of CLOCK_MONOTONIC (`process.hrtime`, the same clock in every process
   * on the machine), and as many measured requests picked evenly over the window, for the chance rate.
   */
  spans?: { slow: Array<[number, number]>; even: Array<[number, number]> };
}

/** How long one request may take before it counts as bad, ms. */
const TIMEOUT_MS = 5000;
/** Monotonic clock in ms, the same in every thread of the process (performance.now() is per thread). */
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * How much before a due time the pacer wakes the main thread, ms: a timed futex wait returns
 * ~70 µs late here (the thread's 50 µs timer slack plus the wake-up), and the message to the
 * event loop adds ~25 µs; the main thread spins the rest (≤ this long per request, ~5 % of a
 * core at 1,000 req/s) and sends on time.
 */
const LEAD_MS = 0.1;

/**
 * The pacer: a thread that sleeps until LEAD_MS before each due time with Atomics.wait (a
 * timed futex wait, µs-precise, where libuv's timers round to whole ms and fire up to a ms
 * late) and then wakes the generator's event loop with a message. It does no I/O; the main
 * thread sends every request due by then.
 */
const PACER = `
const { parentPort } = require('node:worker_threads');
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
parentPort.once('message', ({ start, interval, total, stop, lead }) => {
  const cell = new Int32Array(stop);
  for (let i = 0; i < total; i++) {
    const due = start + i * interval - lead;
    for (let wait = due - nowMs(); wait > 0; wait = due - nowMs()) {
      if (Atomics.wait(cell, 0, 0, wait) !== 'timed-out') return;
    }
    if (Atomics.load(cell, 0) !== 0) return;
    parentPort.postMessage(i);
  }
});
parentPort.postMessage('ready');
`;

const distribution = (values: Float64Array): Distribution => {
  const sorted = values.slice().sort();
  const at = (p: number) =>
    sorted.length === 0
      ? Number.NaN
      : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  return {
    p50: at(0.5),
    p99: at(0.99),
    p999: at(0.999),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
  };
};

interface Conn {
  socket: Socket;
  parser: ResponseParser;
  /** The request in flight on it, or -1. */
  inflight: number;
}

/**
 * Runs a fixed-rate load in this process (give it a process of its own: see `openLoop` in
 * http-open-loop.ts): request i is due at `start + i / rate`; pre-serialised GET bytes go out on
 * raw keep-alive sockets, the answers are framed by a minimal parser, and each latency is
 * measured from the due time and from the write. The generator's own lateness (dispatch − due)
 * is reported beside them, so its floor is on the page with every figure.
 */
export async function generateOpenLoop(url: string, opts: OpenLoopOptions): Promise<OpenLoopResult> {
  const target = new URL(url);
  if (target.protocol !== 'http:')
    throw new Error(`open loop: only http:// targets (got ${target.protocol})`);
  const port = Number(target.port || 80);
  const host = target.hostname;
  let head = `GET ${target.pathname}${target.search} HTTP/1.1\r\nhost: ${target.host}\r\n`;
  for (const [k, v] of Object.entries(opts.headers ?? {})) head += `${k}: ${v}\r\n`;
  const request = Buffer.from(`${head}\r\n`, 'latin1');

  const interval = 1000 / opts.rate;
  const warm = Math.round(opts.rate * (opts.warmupSeconds ?? 1));
  const total = warm + Math.round(opts.rate * opts.seconds);
  const due = new Float64Array(total);
  const sentAt = new Float64Array(total);
  const fromDue = new Float64Array(total);
  const fromSend = new Float64Array(total);
  const lateness = new Float64Array(total);
  let answered = 0;
  let bad = 0;
  let queued = 0;
  let stopping = false;
  const conns = new Set<Conn>();
  const idle: Conn[] = [];
  const waiting: number[] = [];
  let waitingHead = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });

  const settle = (i: number, ok: boolean) => {
    const t = nowMs();
    fromDue[i] = t - due[i]!;
    fromSend[i] = t - sentAt[i]!;
    if (!ok && i >= warm) bad++;
    if (++answered === total) finish();
  };
  const send = (c: Conn, i: number) => {
    c.inflight = i;
    sentAt[i] = nowMs();
    c.socket.write(request);
  };
  /** A connection is free: it takes the oldest waiting request, or goes idle. */
  const free = (c: Conn) => {
    c.inflight = -1;
    if (waitingHead < waiting.length) send(c, waiting[waitingHead++]!);
    else idle.push(c);
  };
  const open = (): Promise<Conn> =>
    new Promise((resolve, reject) => {
      const socket = connect({ host, port, noDelay: true });
      const c: Conn = { socket, parser: new ResponseParser(), inflight: -1 };
      let up = false;
      socket.once('connect', () => {
        up = true;
        resolve(c);
      });
      socket.on('data', (chunk: Buffer) => {
        try {
          c.parser.push(chunk, (status) => {
            const i = c.inflight;
            if (i < 0) throw new Error(`unsolicited response ${status}`);
            settle(i, status >= 200 && status < 300);
            free(c);
          });
        } catch (err) {
          socket.destroy(err as Error);
        }
      });
      socket.on('error', () => {});
      socket.once('close', () => {
        conns.delete(c);
        if (!up) return reject(new Error(`open loop: cannot connect to ${host}:${port}`));
        const at = idle.indexOf(c);
        if (at >= 0) idle.splice(at, 1);
        if (c.inflight >= 0) settle(c.inflight, false);
        c.inflight = -1;
        replace();
      });
      conns.add(c);
    });
  /** A lost connection is replaced while requests remain; those due meanwhile wait for it. */
  const replace = () => {
    if (answered < total && !stopping) open().then(free, () => setTimeout(replace, 100));
  };
  for (const c of await Promise.all(Array.from({ length: opts.connections ?? 32 }, open))) idle.push(c);

  // A request that never ends (or never finds a connection) counts as bad instead of hanging the run.
  const watchdog = setInterval(() => {
    const t = nowMs();
    while (waitingHead < waiting.length && t - due[waiting[waitingHead]!]! > TIMEOUT_MS) {
      sentAt[waiting[waitingHead]!] = t;
      settle(waiting[waitingHead++]!, false);
    }
    for (const c of conns) if (c.inflight >= 0 && t - sentAt[c.inflight]! > TIMEOUT_MS) c.socket.destroy();
  }, 100);

  const pacer = new Worker(PACER, { eval: true });
  await new Promise((resolve) => pacer.once('message', resolve));
  const stop = new SharedArrayBuffer(4);
  const start = nowMs() + 2;
  for (let i = 0; i < total; i++) due[i] = start + i * interval;
  let sent = 0;
  let cpu0 = process.cpuUsage();
  let window0 = start;
  let pid0: number[] = [];
  let ticks0 = cpuTicks();
  pacer.on('message', () => {
    // woken LEAD_MS early: spin to the next due time, then send everything due by then
    let t = nowMs();
    if (sent < total) while (t < due[sent]! && due[sent]! - t <= LEAD_MS) t = nowMs();
    while (sent < total && due[sent]! <= t) {
      const i = sent++;
      if (i === warm) {
        cpu0 = process.cpuUsage();
        window0 = nowMs();
        pid0 = (opts.pids ?? []).map(cpuMs);
        ticks0 = cpuTicks();
      }
      lateness[i] = nowMs() - due[i]!;
      const c = idle.pop();
      if (c) send(c, i);
      else {
        queued += i >= warm ? 1 : 0;
        waiting.push(i);
      }
    }
  });
  pacer.postMessage({ start, interval, total, stop, lead: LEAD_MS });
  await finished;
  const windowMs = nowMs() - window0;
  const cpu = process.cpuUsage(cpu0);
  const pidCpu = (opts.pids ?? []).map((pid, k) => ((cpuMs(pid) - pid0[k]!) / windowMs) * 100);
  const ticks = cpuTicks();
  stopping = true;
  Atomics.store(new Int32Array(stop), 0, 1);
  Atomics.notify(new Int32Array(stop), 0);
  clearInterval(watchdog);
  await pacer.terminate();
  for (const c of conns) c.socket.destroy();

  const measured = total - warm;
  const d = distribution(fromDue.subarray(warm));
  const span = (i: number): [number, number] => [due[i]!, due[i]! + fromDue[i]!];
  const spans = opts.slowFrom === undefined ? undefined : requestSpans(fromDue, warm, opts.slowFrom, span);
  return {
    requests: measured,
    rps: (measured / windowMs) * 1000,
    ...d,
    fromSend: distribution(fromSend.subarray(warm)),
    lateness: distribution(lateness.subarray(warm)),
    queued,
    bad,
    generatorCpu: ((cpu.user + cpu.system) / 1000 / windowMs) * 100,
    pidCpu,
    steal: ((ticks.steal - ticks0.steal) / Math.max(1, ticks.total - ticks0.total)) * 100,
    ...(spans ? { spans } : {}),
  };
}

/** The measured requests (from `warm` on) at or above percentile `from` of `fromDue`, and as many spread evenly. */
function requestSpans(
  fromDue: Float64Array,
  warm: number,
  from: number,
  span: (i: number) => [number, number],
): NonNullable<OpenLoopResult['spans']> {
  const measured = fromDue.length - warm;
  const count = Math.max(1, Math.ceil(((100 - from) / 100) * measured));
  const order = Array.from({ length: measured }, (_, k) => warm + k).sort(
    (a, b) => fromDue[b]! - fromDue[a]!,
  );
  const step = measured / count;
  return {
    slow: order.slice(0, count).map(span),
    even: Array.from({ length: count }, (_, k) => span(warm + Math.floor(k * step))),
  };
}
