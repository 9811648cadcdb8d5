import { Agent, request } from 'node:http';

/** What one fixed-rate run measured (latencies in ms, from each request's scheduled send time). */
export interface OpenLoopResult {
  /** Requests scheduled (rate × seconds) and answered. */
  requests: number;
  /** Achieved rate: answered requests over the run's wall time, req/s. */
  rps: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  /** Responses that were not 2xx, plus request errors. */
  bad: number;
}

/** Options of {@link openLoop}. */
export interface OpenLoopOptions {
  /** Requests per second, sent on schedule whatever the server's answers do. */
  rate: number;
  seconds: number;
  /** Keep-alive connections the requests spread over (default 32); beyond them requests queue, and the wait counts. */
  connections?: number;
  headers?: Record<string, string>;
}

/** How long one request may take before it counts as bad, ms. */
const TIMEOUT_MS = 5000;

const percentile = (sorted: Float64Array, p: number) =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

/**
 * A fixed-rate (open-loop, wrk2-style) load: request i is due at `start + i / rate`, and its
 * latency is measured from that due time, not from when it was sent — a server (or a full
 * connection pool) that stalls is charged for every request that should have gone out meanwhile
 * (no coordinated omission, which a closed-loop client that waits for each answer has). Runs in
 * the calling process: give it a process that has nothing else to do.
 */
export async function openLoop(url: string, opts: OpenLoopOptions): Promise<OpenLoopResult> {
  const total = Math.round(opts.rate * opts.seconds);
  const agent = new Agent({ keepAlive: true, maxSockets: opts.connections ?? 32 });
  const latencies = new Float64Array(total);
  const target = new URL(url);
  const reqOpts = {
    agent,
    host: target.hostname,
    port: target.port,
    path: target.pathname + target.search,
    headers: opts.headers ?? {},
  };
  let answered = 0;
  let bad = 0;
  let sent = 0;
  const start = performance.now();
  const intervalMs = 1000 / opts.rate;
  await new Promise<void>((resolve) => {
    const send = (i: number) => {
      const due = start + i * intervalMs;
      let settled = false;
      const settle = (ok: boolean) => {
        if (settled) return;
        settled = true;
        latencies[i] = performance.now() - due;
        if (!ok) bad++;
        if (++answered === total) resolve();
      };
      const req = request(reqOpts, (res) => {
        const ok = res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300;
        res.on('end', () => settle(ok));
        res.on('error', () => settle(false));
        res.resume();
      });
      // A request that never ends counts as bad instead of hanging the run.
      req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error('timed out')));
      req.on('error', () => settle(false));
      req.end();
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * intervalMs <= now) send(sent++);
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now()));
    };
    tick();
  });
  const wall = (performance.now() - start) / 1000;
  agent.destroy();
  const sorted = latencies.sort();
  return {
    requests: answered,
    rps: answered / wall,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    p999: percentile(sorted, 0.999),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    bad,
  };
}
