import { HOST_CALLS, isHostCallName, NO_ANSWER_CALLS } from '@omega/protocol';
import { OmegaError, omegaError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { Bridge } from './create-bridge.js';
import { createNoAnswerLog } from './no-answer-log.js';
import type { PluginLimits } from './plugin-limits.js';
import type { PluginKillCause } from './plugin-status.js';
import type { HostProcess } from './spawn-host.js';
import { type Frame, FrameType } from './wire/frame-type.js';
import { NO_ANSWER_IN_FLIGHT_BYTES } from './wire/no-answer-bounds.js';

/** Options of {@link createHostCallHandler}. */
export interface HostCallHandlerOptions {
  host: HostProcess;
  plugin: { name: string; version: string };
  limits: PluginLimits;
  bridge: Bridge;
  log: Logger;
  /** False once the session ended: no answer goes out then. */
  live: () => boolean;
  /** Kills the host for a breached limit and ends the session. */
  breach: (reason: string, cause: PluginKillCause) => void;
  /** Window of the failure log of calls without an answer, ms (default 10 s). */
  noAnswerLogMs?: number;
}

/** One session's host calls out of the isolate (HOST_CALL frames). */
export interface HostCallHandler {
  /** Takes one HOST_CALL frame: runs it through the bridge and answers it (unless its id is 0). */
  handle(f: Frame): void;
  /** Answered host calls in flight (bounded by maxPendingHostCalls). */
  inFlight(): number;
  /** Host calls that change something outside the isolate (HOST_CALLS[..].mutates) received so far. */
  mutations(): number;
  /** Closes the failure log of calls without an answer (the session ended). */
  close(): void;
}

/**
 * {@link HostCallHandler}: bounds what is in flight (answered calls by count, calls without an
 * answer by bytes), counts the calls that change something, and answers each call, or logs the
 * failure of one that wants no answer.
 */
export function createHostCallHandler(opts: HostCallHandlerOptions): HostCallHandler {
  const { host, limits, bridge } = opts;
  // Answered host calls in flight (bounded by maxPendingHostCalls).
  let hostCalls = 0;
  // Bytes of calls without an answer in flight (bounded by NO_ANSWER_IN_FLIGHT_BYTES).
  let noAnswerBytes = 0;
  // Host calls that change something outside the isolate (HOST_CALLS[..].mutates) received so far.
  let mutations = 0;

  const reply = (id: number, ok: boolean, body: string): void => {
    if (opts.live()) host.send(FrameType.REPLY, id, ok ? 1 : 0, '', body);
  };

  // Failures of calls sent without an answer (HOST_CALL id 0: ctx.events.emit) go to the log.
  const noAnswerLog = createNoAnswerLog({
    log: opts.log,
    plugin: opts.plugin,
    maxJsonDepth: limits.maxJsonDepth,
    ...(opts.noAnswerLogMs !== undefined ? { windowMs: opts.noAnswerLogMs } : {}),
  });

  const handle = (f: Frame): void => {
    // id 0: the plugin wants no answer, which only a noAnswer ctx method's call may ask.
    const noAnswer = f.id === 0;
    if (noAnswer && !(isHostCallName(f.meta) && NO_ANSWER_CALLS.has(f.meta))) {
      opts.breach(`protocol violation: ${f.meta.slice(0, 64)} sent without an answer`, 'protocol');
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

  return {
    handle,
    inFlight: () => hostCalls,
    mutations: () => mutations,
    close: () => noAnswerLog.close(),
  };
}
