import { hasErrorCode } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { CLIENT_CLOSED_STATUS } from './client-closed.js';

/** Options of {@link createRequestLog}. */
export interface RequestLogOptions {
  logger: Logger;
  /** A request that took at least this long is logged on its own line, whatever its status (ms). */
  slowMs: number;
  /** Successful requests are counted and summarised in one line per interval (ms; 0: no summary). */
  summaryIntervalMs: number;
  now?: () => number;
}

/** One served request, as the log sees it. */
export interface RequestRecord {
  reqId: string;
  method: string;
  path: string;
  status: number;
  ms: number;
  /** Read only when the request gets a line of its own. */
  remote: () => string | undefined;
  /** What a failed request threw (5xx only): logged with its stack, never sent to the client. */
  err?: unknown;
}

/** The kernel's access log: see {@link createRequestLog}. */
export interface RequestLog {
  /** Counts a request and writes its line when it gets one: {@link RequestLog.count}, then {@link RequestLog.line}. */
  record(r: RequestRecord): void;
  /**
   * Counts a request (status and latency, ms) in the summary; true when it also gets a line of its
   * own, which the caller then writes with {@link RequestLog.line}. A quiet success needs no
   * {@link RequestRecord} at all: the kernel's common path builds none.
   */
  count(status: number, ms: number): boolean;
  /** Writes the line of a request {@link RequestLog.count} said gets one (it is not counted again). */
  line(r: RequestRecord): void;
  /** Writes the summary of the requests counted since the last one (if any). */
  flush(): void;
  /** Flushes and stops the interval timer. */
  close(): void;
}

/** Upper bounds (ms) of the latency buckets the summary's percentiles are read from. */
const BUCKETS_MS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 30_000];
const DENIED = new Set([401, 403, 429]);

const bucketOf = (ms: number): number => {
  let i = 0;
  while (i < BUCKETS_MS.length && ms > BUCKETS_MS[i]!) i++;
  return i;
};

/**
 * The kernel's logging policy for HTTP requests, so a busy kernel writes what an operator can
 * keep: a successful request (status < 400) is counted, not logged — one `info` line per interval
 * sums them up (count, statuses, p50/p99/max latency) and each gets its own line only at `debug`.
 * Everything else is always logged on its own line: 5xx at `error` (with the error) — but a 503
 * OMEGA_ERR_UNAVAILABLE (not ready yet, stopping) at `warn` with its reason and no stack — denials
 * (401, 403, 429) at `warn`, other 4xx at `info`, and any request slower than `slowMs` at `warn`.
 */
export function createRequestLog(opts: RequestLogOptions): RequestLog {
  const { logger, slowMs } = opts;
  const now = opts.now ?? Date.now;
  let since = now();
  let n = 0;
  let slow = 0;
  let maxMs = 0;
  const byClass = [0, 0, 0, 0, 0, 0];
  const hist = new Array<number>(BUCKETS_MS.length + 1).fill(0);

  const line = (r: RequestRecord, extra: Record<string, unknown> = {}) => {
    const remote = r.remote();
    return {
      reqId: r.reqId,
      method: r.method,
      path: r.path,
      status: r.status,
      ms: Math.round(r.ms * 100) / 100,
      ...(remote ? { remote } : {}),
      ...extra,
    };
  };

  const percentile = (p: number): number => {
    const rank = Math.ceil((p / 100) * n);
    let seen = 0;
    for (let i = 0; i < hist.length; i++) {
      seen += hist[i]!;
      if (seen >= rank) return BUCKETS_MS[i] ?? Math.round(maxMs);
    }
    return Math.round(maxMs);
  };

  const flush = () => {
    const at = now();
    if (n > 0) {
      const status: Record<string, number> = {};
      for (let k = 1; k < byClass.length; k++) if (byClass[k]! > 0) status[`${k}xx`] = byClass[k]!;
      logger.info(
        {
          intervalSec: Math.round((at - since) / 1000),
          count: n,
          status,
          slow,
          p50Ms: percentile(50),
          p99Ms: percentile(99),
          maxMs: Math.round(maxMs * 100) / 100,
        },
        'requests',
      );
    }
    since = at;
    n = 0;
    slow = 0;
    maxMs = 0;
    byClass.fill(0);
    hist.fill(0);
  };

  const timer = opts.summaryIntervalMs > 0 ? setInterval(flush, opts.summaryIntervalMs) : undefined;
  timer?.unref();

  const count = (status: number, ms: number): boolean => {
    n++;
    byClass[status >= 500 ? 5 : (status / 100) | 0]!++;
    hist[bucketOf(ms)]!++;
    if (ms > maxMs) maxMs = ms;
    if (ms >= slowMs) {
      slow++;
      return true;
    }
    return status >= 400 || logger.isLevelEnabled('debug');
  };

  const write = (r: RequestRecord): void => {
    const isSlow = r.ms >= slowMs;
    if (r.status === 503 && hasErrorCode(r.err, 'OMEGA_ERR_UNAVAILABLE')) {
      // A state the answer already explains (starting, stopping, a plugin restarting), not a fault.
      logger.warn(line(r, { code: 'OMEGA_ERR_UNAVAILABLE', reason: r.err.message }), 'request unavailable');
    } else if (r.status >= 500) {
      logger.error(
        line(r, { ...(r.err === undefined ? {} : { err: r.err }), ...(isSlow ? { slow: true } : {}) }),
        'request failed',
      );
    } else if (r.status === CLIENT_CLOSED_STATUS) {
      // the client went away mid-request: its business, not a fault (no stack, no error line)
      if (logger.isLevelEnabled('debug')) logger.debug(line(r), 'client closed the request');
    } else if (DENIED.has(r.status)) logger.warn(line(r, isSlow ? { slow: true } : {}), 'request denied');
    else if (r.status >= 400) logger.info(line(r, isSlow ? { slow: true } : {}), 'request refused');
    else if (isSlow) logger.warn(line(r, { slowMs }), 'slow request');
    else if (logger.isLevelEnabled('debug')) logger.debug(line(r), 'request');
  };

  return {
    record(r) {
      if (count(r.status, r.ms)) write(r);
    },
    count,
    line: write,
    flush,
    close() {
      clearInterval(timer);
      flush();
    },
  };
}
