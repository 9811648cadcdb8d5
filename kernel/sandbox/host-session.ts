import { setMaxListeners } from 'node:events';
import { CTX_SURFACE, type PluginCallKind } from '@omega/protocol';
import { type OmegaError, omegaError } from '../errors/index.js';
import { createCpuCredit, readProcessCpuMs } from './cpu-credit.js';
import { createBridge, type DeniedCall } from './create-bridge.js';
import { type CallerSlots, createCallerSlots } from './create-caller-slots.js';
import { createHostCallHandler } from './create-host-call-handler.js';
import { createInflightCalls } from './create-inflight-calls.js';
import { createRegistrations } from './create-registrations.js';
import type { HostLoadConfig } from './host/host-config.js';
import type { Authorize, HostServices } from './host-services.js';
import { parseUntrustedJson } from './json-guard.js';
import type { PluginLimits } from './plugin-limits.js';
import type { PluginKillCause } from './plugin-status.js';
import { readLoaded } from './read-loaded.js';
import type { RouteCallOffer } from './route-call-offer.js';
import type { HostProcess } from './spawn-host.js';
import { type Frame, FrameType } from './wire/frame-type.js';

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

/** How long a host has to answer a liveness ping after a missed deadline, ms. */
const LIVENESS_MS = 2_000;

/**
 * Drives one host process for one plugin: load, calls in (each with a wall-clock deadline
 * kept here, outside the isolate: on breach the host is killed, since it may be stuck in
 * applySync, unless it is only awaiting host calls and still answers a ping), host calls out (through the bridge), kernel-owned subscriptions and timers
 * (each with its undo), and a CPU credit sampled from /proc.
 */
export function createHostSession(opts: HostSessionOptions): HostSession {
  const { host, plugin, limits } = opts;
  const statsWaiting = new Map<number, Pending<HostStats>>();
  let pendingLoad: Pending<LoadedPlugin> | undefined;
  let nextId = 0;
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
  const live = (): boolean => !ended;

  const undoAll = (): void => registrations.undoAll();

  const end = (reason: string, cause: PluginKillCause): void => {
    if (ended) return;
    ended = true;
    if (cpuTimer) clearInterval(cpuTimer);
    undoAll();
    hostCalls.close();
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
    calls.failAll(err);
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

  const calls = createInflightCalls({
    plugin,
    maxResultBytes: limits.maxResultBytes,
    mutations: () => hostCalls.mutations(),
    hostCalls: () => hostCalls.inFlight(),
    alive,
    live,
    breach,
  });

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
      calls.add(id, kind, name, deadlineMs, resolve, reject);
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
        calls.drop(id);
        slots?.forget();
        reject(err);
      }
    });
  };

  const registrations = createRegistrations({
    bus: opts.services.bus,
    limits,
    invoke: (kind, name, payload, deadlineMs) => invoke(kind, name, payload, deadlineMs),
    live,
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

  const hostCalls = createHostCallHandler({
    host,
    plugin,
    limits,
    bridge,
    log: opts.services.log,
    live,
    breach,
    ...(opts.noAnswerLogMs !== undefined ? { noAnswerLogMs: opts.noAnswerLogMs } : {}),
  });

  const onLoaded = (f: Frame, ok: boolean): void => {
    const p = pendingLoad;
    if (!p) return;
    pendingLoad = undefined;
    clearTimeout(p.timer);
    const answer = readLoaded(f.body, ok, plugin.name, limits.memoryMb);
    if ('error' in answer) {
      p.reject(answer.error);
      return;
    }
    if (answer.callerSlots !== undefined) callerSlots = createCallerSlots(answer.callerSlots);
    p.resolve(answer.loaded);
  };

  host.setHandler((f) => {
    if (ended) return;
    switch (f.type) {
      case FrameType.HOST_CALL:
        return hostCalls.handle(f);
      case FrameType.RESULT_OK:
        return calls.settle(f, true);
      case FrameType.RESULT_ERR:
        return calls.settle(f, false);
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
