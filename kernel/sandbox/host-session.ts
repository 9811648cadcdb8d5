import { setMaxListeners } from 'node:events';
import {
  CTX_SURFACE,
  HOST_CALLS,
  isHostCallName,
  NO_ANSWER_CALLS,
  type PluginCallKind,
} from '@omega/protocol';
import { type ErrorCode, OmegaError, omegaError } from '../errors/index.js';
import { createCpuCredit, readProcessCpuMs } from './cpu-credit.js';
import { createBridge, type DeniedCall } from './create-bridge.js';
import { type CallerSlots, createCallerSlots } from './create-caller-slots.js';
import { createRegistrations } from './create-registrations.js';
import type { HostLoadConfig } from './host/host-config.js';
import type { Authorize, HostServices } from './host-services.js';
import { parseUntrustedJson } from './json-guard.js';
import { createNoAnswerLog } from './no-answer-log.js';
import type { PluginLimits } from './plugin-limits.js';
import type { PluginKillCause } from './plugin-status.js';
import type { RouteCallOffer } from './route-call-offer.js';
import type { HostProcess } from './spawn-host.js';
import { type PluginErrorData, toPluginError } from './to-plugin-error.js';
import { type Frame, FrameType } from './wire/frame-type.js';
import { NO_ANSWER_IN_FLIGHT_BYTES } from './wire/no-answer-bounds.js';

/**
 * What a loaded bundle exports (names only). With `setup`, routes and services are known only
 * once it has run: the activation's answer replaces them.
 */
export interface LoadedPlugin {
  routes: string[];
  services: string[];
  setup: boolean;
  activate: boolean;
  deactivate: boolean;
}

/** Isolate heap and process memory of one host. */
export interface HostStats {
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  rssBytes: number;
}

/** Options of {@link createHostSession}. */
export interface HostSessionOptions {
  host: HostProcess;
  plugin: { name: string; version: string };
  limits: PluginLimits;
  services: HostServices;
  authorize: Authorize;
  onDenied?: (d: DeniedCall) => void;
  /** The host ended without stop(): crash, kill on a breached limit, fault. Called once. */
  onDown: (reason: string, cause: PluginKillCause) => void;
  /** A kernel-owned delivery (event, timer) failed inside the plugin. */
  onDeliveryError: (kind: 'event' | 'timer', error: { code: string; message: string }) => void;
  onInternalError?: (call: string, err: unknown) => void;
  /** CPU sampling period, ms. */
  cpuSampleMs?: number;
  /** True when a cgroup caps the host's CPU: the CPU credit (the fallback) is then not run. */
  cpuCapped?: boolean;
  /** Window of the failure log of calls without an answer, ms (default 10 s). */
  noAnswerLogMs?: number;
}

/** One plugin loaded in one live host process. */
export interface HostSession {
  readonly pid: number;
  load(code: string): Promise<LoadedPlugin>;
  /** Calls into the plugin; resolves the result JSON ('' = undefined). Kills the host on a breached deadline. */
  invoke(
    kind: PluginCallKind,
    name: string,
    payload: string,
    deadlineMs: number,
    route?: RouteCallOffer,
  ): Promise<string>;
  stats(): Promise<HostStats>;
  /** Undoes every registration, asks the host to exit, kills it after `graceMs`. */
  stop(graceMs: number): Promise<void>;
  kill(reason: string, cause?: PluginKillCause): void;
  registrations(): { subscriptions: number; timers: number };
}

interface Pending<T> {
  resolve: (v: T) => void;
  reject: (e: Error) => void;
  timer?: NodeJS.Timeout;
}

const KEEP_CODES = new Set<string>([
  'OMEGA_ERR_PLUGIN_TIMEOUT',
  'OMEGA_ERR_PLUGIN_LIMIT',
  'OMEGA_ERR_STORAGE_FULL',
]);

/**
 * Route callers a host keeps per session (at most; the host says how many it accepts when it
 * loads). Beyond this many principal × address pairs calling in rotation, callers are sent whole again.
 */
const CALLER_SLOTS = 512;
/**
 * Caller slots per MB of the plugin's isolate heap limit: a kept viewer-shaped caller is ~0.8 KB
 * of isolate heap, so the default 64 MB keeps 512 (~0.4 MB) and the smallest (8 MB) 64.
 */
const CALLER_SLOTS_PER_MB = 8;

/** How long a host has to answer a liveness ping after a missed deadline, ms. */
const LIVENESS_MS = 2_000;

function errorData(body: Buffer): PluginErrorData {
  try {
    return toPluginError(parseUntrustedJson(body.subarray(0, 8192).toString('utf8'), 8));
  } catch {
    return toPluginError(undefined);
  }
}

/**
 * Drives one host process for one plugin: load, calls in (each with a wall-clock deadline
 * kept here, outside the isolate: on breach the host is killed, since it may be stuck in
 * applySync, unless it is only awaiting host calls and still answers a ping), host calls out (through the bridge), kernel-owned subscriptions and timers
 * (each with its undo), and a CPU credit sampled from /proc.
 */
export function createHostSession(opts: HostSessionOptions): HostSession {
  const { host, plugin, limits } = opts;
  const inflight = new Map<
    number,
    Pending<string> & {
      kind: string;
      name: string;
      mutationsAtStart: number;
      /** performance.now() after which the call has missed its deadline. */
      dueAt: number;
      deadlineMs: number;
    }
  >();
  const statsWaiting = new Map<number, Pending<HostStats>>();
  let pendingLoad: Pending<LoadedPlugin> | undefined;
  let nextId = 0;
  // Answered host calls in flight (bounded by maxPendingHostCalls).
  let hostCalls = 0;
  // Bytes of calls without an answer in flight (bounded by NO_ANSWER_IN_FLIGHT_BYTES).
  let noAnswerBytes = 0;
  // Host calls that change something outside the isolate (HOST_CALLS[..].mutates) received so far.
  let mutations = 0;
  let ended = false;
  let stopping = false;
  // The route callers this session's host keeps (set once it loaded, when it says it keeps any).
  let callerSlots: CallerSlots | undefined;
  // Aborts the plugin's in-flight host calls (fetches, queued work) when the session ends.
  const aborter = new AbortController();
  // Every host call waiting for a slot listens on it: up to maxPendingHostCalls of them.
  setMaxListeners(limits.maxPendingHostCalls + 16, aborter.signal);

  const newId = (): number => {
    nextId = nextId >= 0xfffffff0 ? 1 : nextId + 1;
    return nextId;
  };
  const unavailable = (why: string): OmegaError =>
    omegaError('OMEGA_ERR_PLUGIN_UNAVAILABLE', `Plugin "${plugin.name}" is not running (${why}).`, {
      plugin: plugin.name,
    });

  /**
   * The error for an in-flight call that ends without an answer: when a host call that changes
   * something outside the isolate arrived since the call began, its outcome is unknown (the
   * change may be stored), which the caller must be told instead of `fallback`.
   */
  const unanswered = (
    p: { kind: string; name: string; mutationsAtStart: number },
    fallback: OmegaError,
  ): OmegaError => {
    if (mutations === p.mutationsAtStart) return fallback;
    return omegaError(
      'OMEGA_ERR_OUTCOME_UNKNOWN',
      `Plugin "${plugin.name}" ${p.kind}${p.name ? ` "${p.name}"` : ''} ended without an answer after it began changing data (${fallback.message}); the change may or may not have been applied.`,
      { plugin: plugin.name, call: `${p.kind}:${p.name}`, cause: fallback.code },
    );
  };

  const undoAll = (): void => registrations.undoAll();

  const end = (reason: string, cause: PluginKillCause): void => {
    if (ended) return;
    ended = true;
    if (cpuTimer) clearInterval(cpuTimer);
    undoAll();
    noAnswerLog.close();
    // A spin is the plugin not answering in time, like a breached deadline: the calls it held get 504.
    const err =
      cause === 'spin'
        ? omegaError('OMEGA_ERR_PLUGIN_TIMEOUT', `Plugin "${plugin.name}" stopped: ${reason}.`, {
            plugin: plugin.name,
            version: plugin.version,
            cause,
          })
        : unavailable(reason);
    aborter.abort(err);
    stopDeadlines();
    for (const p of inflight.values()) p.reject(unanswered(p, err));
    inflight.clear();
    for (const p of statsWaiting.values()) p.reject(err);
    statsWaiting.clear();
    if (pendingLoad) {
      clearTimeout(pendingLoad.timer);
      pendingLoad.reject(err);
      pendingLoad = undefined;
    }
    if (!stopping) opts.onDown(reason, cause);
  };

  /** Kills the host for a breached limit and ends the session now (the exit comes later). */
  const breach = (reason: string, cause: PluginKillCause): void => {
    host.kill(reason, cause);
    end(reason, cause);
  };

  /** True when the host answers a stats request in time: its thread is not stuck in the isolate. */
  const alive = (): Promise<boolean> => {
    if (ended) return Promise.resolve(false);
    const id = newId();
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        statsWaiting.delete(id);
        resolve(false);
      }, LIVENESS_MS);
      const done = (ok: boolean) => () => {
        clearTimeout(timer);
        resolve(ok);
      };
      statsWaiting.set(id, { resolve: done(true), reject: done(false) });
      host.send(FrameType.STATS_REQ, id, 0, '', '');
    });
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
    const waitingOnKernel = hostCalls > 0 && (await alive());
    p.reject(unanswered(p, err));
    if (!waitingOnKernel && !ended) {
      breach(`deadline: ${kind}${name ? ` "${name}"` : ''} exceeded ${deadlineMs} ms`, 'deadline');
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
    if (next !== Number.POSITIVE_INFINITY && !ended) armDeadlines(next);
  };

  const invoke = (
    kind: PluginCallKind,
    name: string,
    payload: string,
    deadlineMs: number,
    route?: RouteCallOffer,
  ): Promise<string> => {
    if (ended || stopping) return Promise.reject(unavailable(ended ? 'its host ended' : 'stopping'));
    const id = newId();
    return new Promise<string>((resolve, reject) => {
      const dueAt = performance.now() + deadlineMs;
      inflight.set(id, { resolve, reject, kind, name, mutationsAtStart: mutations, dueAt, deadlineMs });
      armDeadlines(dueAt);
      let meta = `${kind}:${name}`;
      let body = payload;
      const slots = kind === 'route' ? callerSlots : undefined;
      if (slots !== undefined && route !== undefined) {
        // A caller the host keeps goes as its slot; a new one whole, with the slot to keep it in.
        const slot = slots.known(route.caller);
        if (slot >= 0) {
          meta = `route=${slot}:${name}`;
          body = route.text.head + slot + route.text.tail;
        } else {
          const kept = slots.keep(route.caller);
          if (kept >= 0) meta = `route+${kept}:${name}`;
        }
      }
      try {
        host.send(FrameType.CALL, id, deadlineMs, meta, body);
      } catch (err) {
        // The writer refused the frame (a bound): the call never reached the host, so it ends
        // here (not at its deadline, killing a host that never had it), and a slot it took is
        // not the host's: forget them all, so no later call is sent by a slot the host lacks.
        inflight.delete(id);
        slots?.forget();
        reject(err);
      }
    });
  };

  const registrations = createRegistrations({
    bus: opts.services.bus,
    limits,
    invoke: (kind, name, payload, deadlineMs) => invoke(kind, name, payload, deadlineMs),
    live: () => !ended,
    onDeliveryError: opts.onDeliveryError,
    system: opts.services.system,
    authorize: opts.authorize,
    onTickDenied: (area, message) =>
      opts.onDenied?.({
        plugin: plugin.name,
        version: plugin.version,
        call: 'timers.every',
        descriptor: { kind: 'system.read', area },
        message,
      }),
  });

  const bridge = createBridge({
    authorize: opts.authorize,
    limits,
    ...(opts.onDenied ? { onDenied: opts.onDenied } : {}),
    ...(opts.onInternalError ? { onInternalError: opts.onInternalError } : {}),
    env: { plugin, services: opts.services, signal: aborter.signal, ...registrations },
  });

  const reply = (id: number, ok: boolean, body: string): void => {
    if (!ended) host.send(FrameType.REPLY, id, ok ? 1 : 0, '', body);
  };

  // Failures of calls sent without an answer (HOST_CALL id 0: ctx.events.emit) go to the log.
  const noAnswerLog = createNoAnswerLog({
    log: opts.services.log,
    plugin,
    maxJsonDepth: limits.maxJsonDepth,
    ...(opts.noAnswerLogMs !== undefined ? { windowMs: opts.noAnswerLogMs } : {}),
  });

  const onHostCall = (f: Frame): void => {
    // id 0: the plugin wants no answer, which only a noAnswer ctx method's call may ask.
    const noAnswer = f.id === 0;
    if (noAnswer && !(isHostCallName(f.meta) && NO_ANSWER_CALLS.has(f.meta))) {
      breach(`protocol violation: ${f.meta.slice(0, 64)} sent without an answer`, 'protocol');
      return;
    }
    const size = f.meta.length + f.body.length;
    if (
      noAnswer ? noAnswerBytes + size > NO_ANSWER_IN_FLIGHT_BYTES : hostCalls >= limits.maxPendingHostCalls
    ) {
      if (noAnswer) noAnswerLog.failed(f, 'OMEGA_ERR_PLUGIN_LIMIT');
      else
        reply(
          f.id,
          false,
          JSON.stringify({ code: 'OMEGA_ERR_PLUGIN_LIMIT', message: 'Too many host calls in flight.' }),
        );
      return;
    }
    if (noAnswer) noAnswerBytes += size;
    else hostCalls++;
    const settled = (): void => {
      if (noAnswer) noAnswerBytes -= size;
      else hostCalls--;
    };
    // Counted on arrival, before validation: an over-count only ever says "unknown", never "not done".
    if (isHostCallName(f.meta) && (HOST_CALLS[f.meta] as { mutates?: true }).mutates) mutations++;
    bridge.handle(f.meta, f.body).then(
      (json) => {
        settled();
        if (!noAnswer) reply(f.id, true, json);
      },
      (err: unknown) => {
        settled();
        const e = err instanceof OmegaError ? err : omegaError('OMEGA_ERR_INTERNAL', 'The host call failed.');
        if (noAnswer) noAnswerLog.failed(f, e.code);
        else reply(f.id, false, JSON.stringify({ code: e.code, message: e.message, extras: e.extras }));
      },
    );
  };

  const onResult = (f: Frame, ok: boolean): void => {
    const p = inflight.get(f.id);
    if (!p) return;
    inflight.delete(f.id);
    if (ok && f.body.length > limits.maxResultBytes) {
      p.reject(
        omegaError(
          'OMEGA_ERR_PLUGIN_LIMIT',
          `Result of ${f.body.length} bytes exceeds ${limits.maxResultBytes}.`,
        ),
      );
      return;
    }
    if (ok) {
      p.resolve(f.body.toString('utf8'));
      return;
    }
    const e = errorData(f.body);
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
  };

  const onLoaded = (f: Frame, ok: boolean): void => {
    const p = pendingLoad;
    if (!p) return;
    pendingLoad = undefined;
    clearTimeout(p.timer);
    let info: Record<string, unknown> | undefined;
    try {
      info = parseUntrustedJson(f.body.toString('utf8'), 4) as Record<string, unknown>;
    } catch {
      info = undefined;
    }
    if (!ok || !info || typeof info !== 'object' || 'code' in info) {
      const e = errorData(f.body);
      const code: ErrorCode = e.code === 'OMEGA_ERR_MANIFEST_INVALID' ? e.code : 'OMEGA_ERR_PLUGIN_FAILED';
      p.reject(
        omegaError(code, `Plugin "${plugin.name}" did not load: ${e.message}`, { plugin: plugin.name }),
      );
      return;
    }
    // A host that keeps route callers says how many slots it accepts (an older one says nothing).
    const slots = info.callerSlots;
    if (typeof slots === 'number' && Number.isInteger(slots) && slots > 0)
      callerSlots = createCallerSlots(Math.min(slots, CALLER_SLOTS, limits.memoryMb * CALLER_SLOTS_PER_MB));
    const names = (v: unknown): string[] =>
      Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, 1000) : [];
    p.resolve({
      routes: names(info.routes),
      services: names(info.services),
      setup: info.setup === true,
      activate: info.activate === true,
      deactivate: info.deactivate === true,
    });
  };

  host.setHandler((f) => {
    if (ended) return;
    switch (f.type) {
      case FrameType.HOST_CALL:
        return onHostCall(f);
      case FrameType.RESULT_OK:
        return onResult(f, true);
      case FrameType.RESULT_ERR:
        return onResult(f, false);
      case FrameType.LOADED:
        return onLoaded(f, true);
      case FrameType.LOAD_FAILED:
        return onLoaded(f, false);
      case FrameType.STATS: {
        const p = statsWaiting.get(f.id);
        statsWaiting.delete(f.id);
        try {
          p?.resolve(parseUntrustedJson(f.body.toString('utf8'), 2) as HostStats);
        } catch (err) {
          p?.reject(err as Error);
        }
        return;
      }
      case FrameType.FAULT:
        return; // the reason is kept by the host process; the exit follows
      default:
        breach(`protocol violation: frame type ${f.type}`, 'protocol');
    }
  });

  // The fallback where no cgroup caps the host: a CPU credit sampled from /proc.
  const credit = createCpuCredit(limits.cpuBurstMs, limits.cpuRefillPerSec);
  const sample = async (): Promise<void> => {
    const cpuMs = await readProcessCpuMs(host.pid);
    if (cpuMs === undefined || ended) return;
    if (credit.update(cpuMs, Date.now()) < 0) {
      breach(
        `cpu budget exhausted (burst ${limits.cpuBurstMs} ms, refill ${limits.cpuRefillPerSec} ms/s)`,
        'cpu',
      );
    }
  };
  const cpuTimer = opts.cpuCapped ? undefined : setInterval(() => void sample(), opts.cpuSampleMs ?? 250);
  cpuTimer?.unref();
  if (cpuTimer) void sample();
  void host.exited.then((exit) => end(exit.reason, exit.cause));

  return {
    pid: host.pid,
    load(code) {
      if (ended) return Promise.reject(unavailable('its host ended'));
      const cfg: HostLoadConfig = {
        name: plugin.name,
        version: plugin.version,
        code,
        memoryMb: limits.memoryMb,
        loadTimeoutMs: limits.activateTimeoutMs,
        maxCallChars: limits.maxCallBytes,
        maxResultChars: limits.maxResultBytes,
        spinMs: limits.spinMs,
        surface: CTX_SURFACE,
      };
      // Entries (calls, host-call continuations) are watched for spins from the load on, as the
      // host ran them before; load and activation also have their own deadline.
      host.setSpinLimit(limits.spinMs);
      return new Promise<LoadedPlugin>((resolve, reject) => {
        const timer = setTimeout(
          () => breach(`deadline: load exceeded ${limits.activateTimeoutMs} ms`, 'deadline'),
          limits.activateTimeoutMs,
        );
        pendingLoad = { resolve, reject, timer };
        host.send(FrameType.LOAD, 0, 0, '', JSON.stringify(cfg));
      });
    },
    invoke,
    stats() {
      if (ended) return Promise.reject(unavailable('its host ended'));
      const id = newId();
      return new Promise<HostStats>((resolve, reject) => {
        statsWaiting.set(id, { resolve, reject });
        host.send(FrameType.STATS_REQ, id, 0, '', '');
      });
    },
    async stop(graceMs) {
      stopping = true;
      undoAll();
      aborter.abort(unavailable('stopping'));
      if (!ended) host.send(FrameType.STOP, 0, 0, '', '');
      const t = setTimeout(() => host.kill('stopped', 'operator'), graceMs);
      await host.exited;
      clearTimeout(t);
    },
    kill: (reason, cause) => host.kill(reason, cause),
    registrations: () => registrations.counts(),
  };
}
