import type { EventRecord, PluginCallKind, SystemArea, SystemSampleResult } from '@omega/protocol';
import { hasErrorCode, type OmegaError, omegaError } from '../errors/index.js';
import { eventCallPayloads } from './event-call-payloads.js';
import type { HostEnv } from './host-env.js';
import type { Authorize, SandboxBus, SandboxSystem } from './host-services.js';
import { readPluginResult } from './plugin-call.js';
import type { PluginLimits } from './plugin-limits.js';
import { toPluginError } from './to-plugin-error.js';

/** Options of {@link createRegistrations}. */
export interface RegistrationsOptions {
  bus: SandboxBus | undefined;
  limits: PluginLimits;
  /** Calls into the plugin (the session's invoke, with its deadline). */
  invoke: (kind: PluginCallKind, name: string, payload: string, deadlineMs: number) => Promise<string>;
  /** False once the session has ended: nothing more is delivered. */
  live: () => boolean;
  onDeliveryError: (kind: 'event' | 'timer', error: { code: string; message: string }) => void;
  /** The kernel's system reads, for timers that carry a reading (absent: such timers are refused earlier). */
  system?: SandboxSystem | undefined;
  /** The plugin's permission gate: a carried reading's areas are checked again at every tick. */
  authorize?: Authorize;
  /** A tick found an area's grant revoked (once per timer and area until it is granted again). */
  onTickDenied?: (area: SystemArea, message: string) => void;
}

/** What a timer carrying a reading remembers between ticks, so each refusal is reported once. */
interface TickState {
  /** Areas found denied (reported once until granted again). */
  denied: Set<SystemArea>;
  /** The last reading was over maxCallBytes (reported once until one fits again). */
  oversized: boolean;
}

/** A plugin's kernel-owned subscriptions and timers, each with its undo. */
export interface Registrations
  extends Pick<HostEnv, 'subscribe' | 'unsubscribe' | 'addTimer' | 'cancelTimer'> {
  /** Undoes every registration. */
  undoAll(): void;
  counts(): { subscriptions: number; timers: number };
}

/**
 * Subscriptions (filtered by the bus, delivered as batched `event` calls of at most
 * maxCallBytes each; the bus waits for each batch, so a slow plugin backs up into its bounded queue) and timers (kernel-owned,
 * delivered as `timer` calls, skipped while the previous tick is still running; a timer started
 * with `sample` areas carries their reading, taken and authorized at every tick, in its call).
 */
export function createRegistrations(opts: RegistrationsOptions): Registrations {
  const { limits } = opts;
  const subs = new Map<number, { unsubscribe(): void }>();
  const timers = new Map<number, { clear(): void }>();
  let nextSub = 0;
  let nextTimer = 0;

  /**
   * The reading a tick carries: each area's `system:read` checked now (grants can be revoked
   * while the plugin runs; a denied area is not read and answers OMEGA_ERR_PERM_DENIED in
   * `errors`), the rest read in one `sample` whose failures are per area, as system.sample's.
   */
  const readTick = async (areas: readonly SystemArea[], tick: TickState): Promise<string> => {
    const system = opts.system;
    if (!system) throw omegaError('OMEGA_ERR_UNAVAILABLE', 'The kernel offers no "system" capability here.');
    let allowed: SystemArea[] | readonly SystemArea[] = areas;
    let refusals: SystemSampleResult['errors'] | undefined;
    if (opts.authorize) {
      for (let i = 0; i < areas.length; i++) {
        const area = areas[i] as SystemArea;
        try {
          opts.authorize({ kind: 'system.read', area });
          tick.denied.delete(area);
        } catch (err) {
          const message = hasErrorCode(err, 'OMEGA_ERR_PERM_DENIED')
            ? err.message
            : `The plugin may not read system area "${area}".`;
          if (!tick.denied.has(area)) {
            tick.denied.add(area);
            opts.onTickDenied?.(area, message);
          }
          refusals ??= {};
          refusals[area] = { code: 'OMEGA_ERR_PERM_DENIED', message };
        }
      }
      if (refusals) allowed = areas.filter((a) => !(a in (refusals as object)));
    }
    const reading: SystemSampleResult =
      allowed.length > 0 ? await system.sample(allowed) : { data: {}, errors: {} };
    if (refusals) Object.assign(reading.errors, refusals);
    const payload = JSON.stringify({ sample: reading });
    if (payload.length <= limits.maxCallBytes) {
      tick.oversized = false;
      return payload;
    }
    return oversizedTick(areas, payload.length, tick);
  };

  /**
   * A reading larger than the plugin's maxCallBytes is not sent (as an event that large is not):
   * the tick still fires, each area answering OMEGA_ERR_PLUGIN_LIMIT in `errors`, and the
   * delivery error is reported (once, until a reading fits again). Counted in characters, as
   * event calls are (eventCallPayloads).
   */
  const oversizedTick = (areas: readonly SystemArea[], chars: number, tick: TickState): string => {
    const message = `A reading of ${chars} characters exceeds the plugin's limit of ${limits.maxCallBytes} per call; read the areas with system.read.`;
    if (!tick.oversized) opts.onDeliveryError('timer', { code: 'OMEGA_ERR_PLUGIN_LIMIT', message });
    tick.oversized = true;
    const errors: SystemSampleResult['errors'] = {};
    for (const area of areas) errors[area] = { code: 'OMEGA_ERR_PLUGIN_LIMIT', message };
    return JSON.stringify({ sample: { data: {}, errors } });
  };

  const deliverOne = (payload: string): Promise<void> =>
    opts.invoke('event', '', payload, limits.callTimeoutMs).then(
      (json) => {
        // The host's answer is untrusted: a malformed one counts as a failed delivery, never a throw.
        let r: { failed: number; error?: unknown };
        try {
          r = readPluginResult('event', json);
        } catch {
          r = { failed: 1 };
        }
        if (r.failed > 0) opts.onDeliveryError('event', toPluginError(r.error));
      },
      (err: OmegaError) => opts.onDeliveryError('event', { code: err.code, message: err.message }),
    );

  // A batch goes out as calls of at most maxCallBytes each, one after the other (the bus waits).
  const deliver = async (id: number, batch: readonly EventRecord[]): Promise<void> => {
    if (!opts.live() || !subs.has(id)) return;
    const { payloads, oversized } = eventCallPayloads(id, batch, limits.maxCallBytes);
    if (oversized > 0) {
      opts.onDeliveryError('event', {
        code: 'OMEGA_ERR_PLUGIN_LIMIT',
        message: `${oversized} event(s) larger than ${limits.maxCallBytes} characters of JSON were not delivered.`,
      });
    }
    for (const payload of payloads) {
      if (!opts.live() || !subs.has(id)) return;
      await deliverOne(payload);
    }
  };

  return {
    subscribe(pattern) {
      if (!opts.bus) throw omegaError('OMEGA_ERR_UNAVAILABLE', 'The kernel offers no event bus here.');
      if (subs.size >= limits.maxSubscriptions) {
        throw omegaError('OMEGA_ERR_PLUGIN_LIMIT', `More than ${limits.maxSubscriptions} subscriptions.`);
      }
      const id = ++nextSub;
      subs.set(
        id,
        opts.bus.subscribe([pattern], (batch) => deliver(id, batch)),
      );
      return id;
    },
    unsubscribe(id) {
      const s = subs.get(id);
      if (!s) return false;
      subs.delete(id);
      s.unsubscribe();
      return true;
    },
    addTimer(ms, once, sample) {
      if (timers.size >= limits.maxTimers)
        throw omegaError('OMEGA_ERR_PLUGIN_LIMIT', `More than ${limits.maxTimers} timers.`);
      if (sample !== undefined && !opts.system)
        throw omegaError('OMEGA_ERR_UNAVAILABLE', 'The kernel offers no "system" capability here.');
      const id = ++nextTimer;
      const name = String(id);
      const period = Math.max(ms, limits.minTimerMs);
      const areas = sample === undefined ? undefined : [...sample];
      const state: TickState = { denied: new Set(), oversized: false };
      let busy = false;
      const done = (): void => {
        busy = false;
      };
      const failed = (err: OmegaError): void => {
        busy = false;
        opts.onDeliveryError('timer', { code: err.code, message: err.message });
      };
      const fire = (): void => {
        if (once) timers.delete(id);
        if (busy || !opts.live()) return;
        busy = true;
        if (areas === undefined) {
          opts.invoke('timer', name, '', limits.callTimeoutMs).then(done, failed);
          return;
        }
        // The reading is taken when the timer fires and rides in the call: no system.sample round trip.
        readTick(areas, state)
          .then((payload) => {
            if (!opts.live() || !timers.has(id)) return done();
            return opts.invoke('timer', name, payload, limits.callTimeoutMs).then(done);
          })
          .catch(failed);
      };
      const handle = once ? setTimeout(fire, period) : setInterval(fire, period);
      timers.set(id, { clear: () => (once ? clearTimeout(handle) : clearInterval(handle)) });
      return id;
    },
    cancelTimer(id) {
      const t = timers.get(id);
      if (!t) return false;
      timers.delete(id);
      t.clear();
      return true;
    },
    undoAll() {
      for (const s of subs.values()) s.unsubscribe();
      subs.clear();
      for (const t of timers.values()) t.clear();
      timers.clear();
    },
    counts: () => ({ subscriptions: subs.size, timers: timers.size }),
  };
}
