import type { PluginCallKind } from '@omega/protocol';
import { hasErrorCode, omegaError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { HostCgroup } from './cgroup/create-host-cgroup.js';
import type { HostCgroupLayout } from './cgroup/host-cgroup-layout.js';
import type { DeniedCall } from './create-bridge.js';
import type { HostPool } from './create-host-pool.js';
import { describeContainment } from './describe-containment.js';
import type { Authorize, HostServices } from './host-services.js';
import { createHostSession, type HostSession, type HostStats, type LoadedPlugin } from './host-session.js';
import { joinHostCgroup } from './join-host-cgroup.js';
import { readPluginResult } from './plugin-call.js';
import { hostDataLimitBytes, type PluginLimits } from './plugin-limits.js';
import type { PluginKillCause, PluginState, PluginStatus, PluginStatusEvent } from './plugin-status.js';
import { decideRestart, type RestartPolicy } from './restart-policy.js';
import type { RouteCallOffer } from './route-call-offer.js';
import type { HostProcess } from './spawn-host.js';

/** What the kernel starts: one plugin's identity, bundle, limits, gate and services. */
export interface PluginSpec {
  name: string;
  version: string;
  /** The built ES module (no imports): `export const plugin = { ... }`. */
  bundleCode: string;
  limits: PluginLimits;
  authorize: Authorize;
  services: HostServices;
  /**
   * The handlers its manifest names (routes and services): each must be exported once it has
   * activated, or it fails to start with OMEGA_ERR_MANIFEST_INVALID naming the missing ones (walk:
   * a route whose handler the bundle lacked ran, and failed only when called, with a 502).
   */
  handlers?: { routes: readonly string[]; services: readonly string[] };
}

/**
 * The handlers `expected` names that `exported` lacks, as one message; undefined when none is
 * missing. A plugin may export more than its manifest names.
 */
export function missingHandlers(
  expected: NonNullable<PluginSpec['handlers']>,
  exported: Pick<LoadedPlugin, 'routes' | 'services'>,
): string | undefined {
  const missing = (kind: 'routes' | 'services') => {
    const have = new Set(exported[kind]);
    return [...new Set(expected[kind])].filter((h) => !have.has(h));
  };
  const routes = missing('routes');
  const services = missing('services');
  if (routes.length === 0 && services.length === 0) return undefined;
  const list = (kind: string, names: string[], have: string[]) =>
    `${kind} handler(s) ${names.map((n) => JSON.stringify(n)).join(', ')} (it exports ${have.length > 0 ? have.join(', ') : 'none'})`;
  return `the manifest names ${[
    ...(routes.length > 0 ? [list('route', routes, exported.routes)] : []),
    ...(services.length > 0 ? [list('service', services, exported.services)] : []),
  ].join(
    ' and ',
  )} that the bundle does not export: export them from plugin.routes / plugin.services, or fix the names in plugin.json`;
}

/** A supervised plugin. */
export interface PluginInstance {
  readonly name: string;
  readonly version: string;
  /**
   * Calls into the plugin (`route`/`service` by handler name); resolves the result JSON
   * ('' = undefined). Rejects OMEGA_ERR_PLUGIN_UNAVAILABLE unless running,
   * OMEGA_ERR_PLUGIN_TIMEOUT past `deadlineMs` (default limits.callTimeoutMs), else
   * OMEGA_ERR_PLUGIN_FAILED / OMEGA_ERR_PLUGIN_LIMIT. A route call may pass its caller and the
   * payload's pieces (`route`): a caller the host keeps then goes by slot.
   */
  invoke(
    kind: PluginCallKind,
    name: string,
    payloadJson: string,
    deadlineMs?: number,
    route?: RouteCallOffer,
  ): Promise<string>;
  status(): PluginStatus;
  /** Isolate heap and host RSS (rejects unless a host is assigned). */
  stats(): Promise<HostStats>;
  /** Resolves at the next transition to one of `states` (now, if already there). */
  waitFor(states: PluginState[]): Promise<PluginStatus>;
  /** Deactivates (bounded), undoes every registration, ends the host; no restart after. */
  dispose(): Promise<void>;
}

/** Options of {@link createPluginInstance}. */
export interface PluginInstanceOptions {
  spec: PluginSpec;
  pool: HostPool;
  restart: RestartPolicy;
  hostBaseMb: number;
  /** Where host cgroups go (mode `none`: the CPU credit and RLIMIT_DATA hold the host instead). */
  cgroups: HostCgroupLayout;
  /**
   * Told of each host cgroup as it is joined, with its removal (after the host exits): the
   * sandbox weighs its CPU directory by live hosts and awaits removals before removing it.
   */
  onCgroupRemoval?: (done: Promise<void>) => void;
  logger: Logger;
  onStatus?: (e: PluginStatusEvent) => void;
  onDenied?: (d: DeniedCall) => void;
  /** Called once dispose() has finished. */
  onDisposed?: () => void;
}

/**
 * Supervises one plugin: start (warm host, load, activate), restart with exponential
 * back-off after a crash, quarantine after too many crashes in a window (reason kept),
 * and a dispose that leaves no process, isolate or timer behind.
 */
export function createPluginInstance(opts: PluginInstanceOptions): PluginInstance {
  const { spec, pool, logger } = opts;
  const plugin = { name: spec.name, version: spec.version };
  const dataLimit = hostDataLimitBytes(spec.limits, opts.hostBaseMb);
  const crashHistory: number[] = [];
  let state: PluginState = 'activating';
  let since = Date.now();
  let reason: string | undefined;
  let cause: PluginKillCause | undefined;
  let hostSeq = 0;
  /** Where the current activation is: taking a host, loading the bundle, or running activate(). */
  let phase: 'host start' | 'load' | 'activate' = 'host start';
  /** The current host cgroup's removal (after its host exits), awaited by dispose(). */
  let removal: Promise<void> | undefined;
  let containment = describeContainment(opts.cgroups, undefined, spec.limits, dataLimit);
  let session: HostSession | undefined;
  let pid: number | undefined;
  let exportsInfo: LoadedPlugin | undefined;
  let restarts = 0;
  let lastCrash: PluginStatus['lastCrash'];
  let deliveryErrors = 0;
  let lastDeliveryError: PluginStatus['lastDeliveryError'];
  let deniedCalls = 0;
  let backoffTimer: NodeJS.Timeout | undefined;
  let disposing = false;
  const waiters: { states: PluginState[]; resolve: (s: PluginStatus) => void }[] = [];

  const status = (): PluginStatus => ({
    plugin: plugin.name,
    version: plugin.version,
    state,
    since,
    ...(state === 'activating' ? { activatingMs: Date.now() - since, activationPhase: phase } : {}),
    ...(pid !== undefined ? { pid } : {}),
    restarts,
    recentCrashes: crashHistory.filter((t) => t > Date.now() - opts.restart.windowMs).length,
    ...(lastCrash ? { lastCrash } : {}),
    ...(reason !== undefined ? { reason } : {}),
    ...(cause !== undefined ? { cause } : {}),
    ...(exportsInfo ? { exports: exportsInfo } : {}),
    deliveryErrors,
    ...(lastDeliveryError ? { lastDeliveryError } : {}),
    deniedCalls,
    registrations: session?.registrations() ?? { subscriptions: 0, timers: 0 },
    containment,
  });

  const setState = (next: PluginState, why?: string, by?: PluginKillCause): void => {
    state = next;
    since = Date.now();
    reason = next === 'quarantined' || next === 'stopped' || next === 'crashed' ? why : undefined;
    cause = next === 'activating' || next === 'running' ? undefined : by;
    const event: PluginStatusEvent = {
      plugin: plugin.name,
      version: plugin.version,
      state,
      at: since,
      restarts,
    };
    if (why !== undefined) event.reason = why;
    if (cause !== undefined) event.cause = cause;
    try {
      opts.onStatus?.(event);
    } catch (err) {
      logger.warn({ err, plugin: plugin.name }, 'onStatus callback threw');
    }
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i]!;
      if (w.states.includes(next)) {
        waiters.splice(i, 1);
        w.resolve(status());
      }
    }
  };

  const onCrash = (
    s: HostSession | undefined,
    why: string,
    by: PluginKillCause,
    permanent: boolean,
  ): void => {
    if (disposing || (s !== undefined && session !== s)) return;
    session = undefined;
    pid = undefined;
    lastCrash = { at: Date.now(), reason: why, cause: by };
    logger.warn({ plugin: plugin.name, reason: why, cause: by }, 'plugin crashed');
    setState('crashed', why, by);
    const d = decideRestart(opts.restart, crashHistory, Date.now());
    if (permanent || d.action === 'quarantine') {
      const q = permanent ? why : `${d.crashes} crashes within ${opts.restart.windowMs} ms; last: ${why}`;
      logger.error({ plugin: plugin.name, reason: q, cause: by }, 'plugin quarantined');
      setState('quarantined', q, by);
      return;
    }
    setState('backoff', why, by);
    backoffTimer = setTimeout(() => {
      backoffTimer = undefined;
      restarts++;
      void attempt();
    }, d.delayMs);
  };

  const attempt = async (): Promise<void> => {
    if (disposing) return;
    setState('activating');
    let s: HostSession | undefined;
    let down: PluginKillCause | undefined;
    phase = 'host start';
    try {
      const host = await pool.take(dataLimit);
      if (disposing) {
        host.kill('stopped', 'operator');
        return;
      }
      // Into its own cgroup before any plugin code runs (a warm host has loaded nothing yet).
      const cg = await joinCgroup(host);
      if (disposing) {
        host.kill('stopped', 'operator');
        return;
      }
      s = createHostSession({
        host,
        plugin,
        limits: spec.limits,
        services: spec.services,
        authorize: spec.authorize,
        onDenied: (d) => {
          deniedCalls++;
          opts.onDenied?.(d);
        },
        onDown: (why, by) => {
          down = by;
          onCrash(s, why, by, false);
        },
        cpuCapped: cg?.enforced.cpu !== undefined,
        onDeliveryError: (kind, e) => {
          deliveryErrors++;
          lastDeliveryError = { kind, code: e.code, message: e.message.slice(0, 300), at: Date.now() };
        },
        onInternalError: (call, err) => logger.error({ err, plugin: plugin.name, call }, 'host call failed'),
      });
      session = s;
      pid = host.pid;
      phase = 'load';
      const loaded = await s.load(spec.bundleCode);
      exportsInfo = loaded;
      phase = 'activate';
      const activated = readPluginResult(
        'activate',
        await s.invoke('activate', '', '', spec.limits.activateTimeoutMs),
      );
      exportsInfo = { ...loaded, ...activated };
      // The host lists at most 1,000 of each: past that, a name it left out is not missing.
      const listed = exportsInfo.routes.length < 1000 && exportsInfo.services.length < 1000;
      const lacking = listed && spec.handlers && missingHandlers(spec.handlers, exportsInfo);
      if (lacking) throw omegaError('OMEGA_ERR_MANIFEST_INVALID', lacking);
      if (session === s && !disposing) setState('running');
    } catch (err) {
      if (disposing || (s !== undefined && session !== s)) return;
      const why = hasErrorCode(err) ? `${phase} failed: ${err.message}` : `${phase} failed`;
      const permanent = hasErrorCode(err, 'OMEGA_ERR_MANIFEST_INVALID');
      const by: PluginKillCause =
        down ?? (hasErrorCode(err, 'OMEGA_ERR_PLUGIN_TIMEOUT') ? 'deadline' : 'crash');
      if (s) {
        // Ends the host; its exit reports this reason (unless a deadline kill came first).
        const dying = s;
        session = undefined;
        dying.kill(why, by);
        onCrash(undefined, why, by, permanent);
      } else onCrash(undefined, why, by, permanent);
    }
  };

  /** Puts `host` into its cgroup (see joinHostCgroup) and shows what holds it in the status. */
  const joinCgroup = async (host: HostProcess): Promise<HostCgroup | undefined> => {
    const joined = await joinHostCgroup(
      opts.cgroups,
      host,
      `${plugin.name}-${++hostSeq}`,
      spec.limits,
      dataLimit,
    ).catch((err: unknown) => {
      host.kill('the host could not join its cgroup', 'crash');
      throw err;
    });
    if (!joined) return undefined;
    removal = joined.removal;
    opts.onCgroupRemoval?.(removal);
    containment = describeContainment(opts.cgroups, joined.cg, spec.limits, dataLimit);
    if (joined.cg.notes.length > 0)
      logger.warn({ plugin: plugin.name, notes: joined.cg.notes }, 'plugin host cgroup incomplete');
    return joined.cg;
  };

  void attempt();

  return {
    name: plugin.name,
    version: plugin.version,
    invoke(kind, name, payloadJson, deadlineMs, route) {
      if (state !== 'running' || !session) {
        return Promise.reject(
          omegaError('OMEGA_ERR_PLUGIN_UNAVAILABLE', `Plugin "${plugin.name}" is ${state}.`, {
            plugin: plugin.name,
            state,
            ...(reason ? { reason } : {}),
          }),
        );
      }
      return session.invoke(kind, name, payloadJson, deadlineMs ?? spec.limits.callTimeoutMs, route);
    },
    status,
    stats() {
      return session
        ? session.stats()
        : Promise.reject(omegaError('OMEGA_ERR_PLUGIN_UNAVAILABLE', `Plugin "${plugin.name}" is ${state}.`));
    },
    waitFor(states) {
      if (states.includes(state)) return Promise.resolve(status());
      return new Promise((resolve) => waiters.push({ states, resolve }));
    },
    async dispose() {
      if (disposing) return;
      disposing = true;
      clearTimeout(backoffTimer);
      const s = session;
      session = undefined;
      if (s && state === 'running' && (exportsInfo?.deactivate || exportsInfo?.setup)) {
        try {
          await s.invoke('deactivate', '', '', spec.limits.activateTimeoutMs);
        } catch (err) {
          logger.warn(
            { plugin: plugin.name, code: hasErrorCode(err) ? err.code : undefined },
            'deactivate failed',
          );
        }
      }
      await s?.stop(500);
      await removal;
      pid = undefined;
      setState('stopped', 'disposed', 'operator');
      opts.onDisposed?.();
    },
  };
}
