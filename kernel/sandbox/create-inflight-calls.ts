import { type ErrorCode, type OmegaError, omegaError } from '../errors/index.js';
import type { PluginKillCause } from './plugin-status.js';
import { readPluginError } from './to-plugin-error.js';
import type { Frame } from './wire/frame-type.js';

/** One call into the plugin, sent and not yet answered. */
interface InflightCall {
  resolve: (v: string) => void;
  reject: (e: Error) => void;
  kind: string;
  name: string;
  mutationsAtStart: number;
  /** performance.now() after which the call has missed its deadline. */
  dueAt: number;
  deadlineMs: number;
}

/** Codes of a plugin's failed call that the caller is told as they are (others: PLUGIN_FAILED). */
const KEEP_CODES = new Set<string>([
  'OMEGA_ERR_PLUGIN_TIMEOUT',
  'OMEGA_ERR_PLUGIN_LIMIT',
  'OMEGA_ERR_STORAGE_FULL',
]);

/** Options of {@link createInflightCalls}. */
export interface InflightCallsOptions {
  plugin: { name: string; version: string };
  maxResultBytes: number;
  /** Host calls that change something outside the isolate received so far. */
  mutations: () => number;
  /** Answered host calls in flight. */
  hostCalls: () => number;
  /** True when the host answers a liveness ping in time. */
  alive: () => Promise<boolean>;
  /** False once the session ended. */
  live: () => boolean;
  /** Kills the host for a breached limit and ends the session. */
  breach: (reason: string, cause: PluginKillCause) => void;
}

/** One session's calls into the plugin between CALL and their answer, deadline or end. */
export interface InflightCalls {
  /** Records a call about to be sent and arms its deadline. */
  add(
    id: number,
    kind: string,
    name: string,
    deadlineMs: number,
    resolve: (v: string) => void,
    reject: (e: Error) => void,
  ): void;
  /** Forgets a call that was never sent (its promise is the sender's to settle). */
  drop(id: number): void;
  /** Settles a call with the host's RESULT_OK (`ok`) or RESULT_ERR frame. */
  settle(f: Frame, ok: boolean): void;
  /** Stops the deadline timer and fails every call in flight with `err` (the session ended). */
  failAll(err: OmegaError): void;
}

/**
 * {@link InflightCalls}: each call has a wall-clock deadline kept here, outside the isolate; on
 * breach the host is killed, since it may be stuck in applySync, unless it is only awaiting host
 * calls and still answers a ping.
 */
export function createInflightCalls(opts: InflightCallsOptions): InflightCalls {
  const { plugin } = opts;
  const inflight = new Map<number, InflightCall>();

  /**
   * The error for an in-flight call that ends without an answer: when a host call that changes
   * something outside the isolate arrived since the call began, its outcome is unknown (the
   * change may be stored), which the caller must be told instead of `fallback`.
   */
  const unanswered = (
    p: { kind: string; name: string; mutationsAtStart: number },
    fallback: OmegaError,
  ): OmegaError => {
    if (opts.mutations() === p.mutationsAtStart) return fallback;
    return omegaError(
      'OMEGA_ERR_OUTCOME_UNKNOWN',
      `Plugin "${plugin.name}" ${p.kind}${p.name ? ` "${p.name}"` : ''} ended without an answer after it began changing data (${fallback.message}); the change may or may not have been applied.`,
      { plugin: plugin.name, call: `${p.kind}:${p.name}`, cause: fallback.code },
    );
  };

  /**
   * A call missed its deadline. A plugin awaiting host calls the kernel has not answered yet
   * (a busy threadpool, a slow fetch) is not stuck: if the host still answers a liveness ping,
   * only this call fails. Otherwise the host may be spinning in applySync and is killed.
   */
  const missed = async (id: number, kind: string, name: string, deadlineMs: number): Promise<void> => {
    const p = inflight.get(id);
    if (!p) return;
    inflight.delete(id);
    const err = omegaError(
      'OMEGA_ERR_PLUGIN_TIMEOUT',
      `Plugin "${plugin.name}" ${kind} "${name}" exceeded ${deadlineMs} ms.`,
      { plugin: plugin.name, version: plugin.version, call: `${kind}:${name}` },
    );
    const waitingOnKernel = opts.hostCalls() > 0 && (await opts.alive());
    p.reject(unanswered(p, err));
    if (!waitingOnKernel && opts.live()) {
      opts.breach(`deadline: ${kind}${name ? ` "${name}"` : ''} exceeded ${deadlineMs} ms`, 'deadline');
    }
  };

  /**
   * The deadline timer: one timeout, armed for the earliest deadline among the calls in flight
   * and re-armed when it fires, never cleared when a call ends. A steady stream of calls (a 1 s
   * metrics tick) thus costs no timer per call and no wake-up before a deadline is due: a 20 ms
   * interval started per call woke the kernel once per call for nothing. Left armed after its
   * calls ended, it fires once per deadline with nothing due (~0.2 per metrics collection): a
   * build that disarmed it when the last call settled (a closure pair per call and a
   * clearTimeout/setTimeout per idle-to-busy turn) cost a plugin route ~20 % more kernel CPU under
   * load (http-ab, 8 rounds: 1.22 → 1.02 of the build before it), so it stays armed. A call past its
   * deadline fails through {@link missed} when the timer fires (it may fire early by the time the
   * loop's clock lags; it is then armed again for what remains).
   */
  let ticker: NodeJS.Timeout | undefined;
  /** performance.now() at which the armed timer fires (Infinity: none armed). */
  let tickerAt = Number.POSITIVE_INFINITY;
  const stopDeadlines = (): void => {
    if (ticker) clearTimeout(ticker);
    ticker = undefined;
    tickerAt = Number.POSITIVE_INFINITY;
  };
  const armDeadlines = (at: number): void => {
    if (ticker !== undefined && tickerAt <= at) return;
    if (ticker) clearTimeout(ticker);
    tickerAt = at;
    ticker = setTimeout(checkDeadlines, Math.max(1, Math.ceil(at - performance.now())));
  };
  const checkDeadlines = (): void => {
    ticker = undefined;
    tickerAt = Number.POSITIVE_INFINITY;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    for (const [id, p] of inflight) {
      if (now >= p.dueAt) void missed(id, p.kind, p.name, p.deadlineMs);
      else if (p.dueAt < next) next = p.dueAt;
    }
    if (next !== Number.POSITIVE_INFINITY && opts.live()) armDeadlines(next);
  };

  return {
    add(id, kind, name, deadlineMs, resolve, reject) {
      const dueAt = performance.now() + deadlineMs;
      inflight.set(id, {
        resolve,
        reject,
        kind,
        name,
        mutationsAtStart: opts.mutations(),
        dueAt,
        deadlineMs,
      });
      armDeadlines(dueAt);
    },
    drop(id) {
      inflight.delete(id);
    },
    settle(f, ok) {
      const p = inflight.get(f.id);
      if (!p) return;
      inflight.delete(f.id);
      if (ok && f.body.length > opts.maxResultBytes) {
        p.reject(
          omegaError(
            'OMEGA_ERR_PLUGIN_LIMIT',
            `Result of ${f.body.length} bytes exceeds ${opts.maxResultBytes}.`,
          ),
        );
        return;
      }
      if (ok) {
        p.resolve(f.body.toString('utf8'));
        return;
      }
      const e = readPluginError(f.body);
      const code: ErrorCode = KEEP_CODES.has(e.code) ? (e.code as ErrorCode) : 'OMEGA_ERR_PLUGIN_FAILED';
      p.reject(
        omegaError(
          code,
          `Plugin "${plugin.name}" ${p.kind}${p.name ? ` "${p.name}"` : ''} failed: ${e.message}`,
          {
            plugin: plugin.name,
            version: plugin.version,
            call: `${p.kind}:${p.name}`,
            pluginError: e,
          },
        ),
      );
    },
    failAll(err) {
      stopDeadlines();
      for (const p of inflight.values()) p.reject(unanswered(p, err));
      inflight.clear();
    },
  };
}
