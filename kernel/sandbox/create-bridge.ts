import type { CapabilityDescriptor } from '@omega/protocol';
import { HOST_CALLS, type HostCallBudget, type HostCallName, isHostCallName } from '@omega/protocol';
import { hasErrorCode, OmegaError, omegaError } from '../errors/index.js';
import { createByteBudget } from './byte-budget.js';
import { createCallSlots } from './call-slots.js';
import { FAST_ARGS } from './fast-args.js';
import type { HostEnv } from './host-env.js';
import { HOST_FUNCTIONS, type HostFunctionRegistry } from './host-functions.js';
import type { Authorize } from './host-services.js';
import { parseUntrustedJson } from './json-guard.js';
import type { PluginLimits } from './plugin-limits.js';

/** A denied host call, for the kernel's audit log. */
export interface DeniedCall {
  plugin: string;
  version: string;
  call: HostCallName;
  descriptor: CapabilityDescriptor;
  /** The gate's explanation (plain data from the OMEGA_ERR_PERM_DENIED error). */
  message: string;
}

/** Options of {@link createBridge}. */
export interface BridgeOptions {
  env: HostEnv;
  authorize: Authorize;
  limits: PluginLimits;
  onDenied?: (denied: DeniedCall) => void;
  /** The implementations (default: the kernel's {@link HOST_FUNCTIONS}). */
  functions?: HostFunctionRegistry;
  /** Where unexpected implementation failures are reported (their details stay in the kernel). */
  onInternalError?: (call: string, err: unknown) => void;
}

/** Serves one plugin's host calls. */
export interface Bridge {
  /**
   * Runs host call `name` with the argument JSON bytes `body`; resolves the result as JSON,
   * rejects with an OmegaError. Never throws synchronously.
   */
  handle(name: string, body: Buffer): Promise<string>;
}

/**
 * Whether `json` is over `maxBytes` in UTF-8 (what the frame to the host carries). A UTF-16 code
 * unit is 1–3 bytes, so the length decides without a count except between max/3 and max.
 */
function answerOverLimit(json: string, maxBytes: number): boolean {
  if (json.length > maxBytes) return true;
  if (json.length * 3 <= maxBytes) return false;
  return Buffer.byteLength(json, 'utf8') > maxBytes;
}

/** Only codes the kernel's own components raise on purpose reach the plugin as they are. */
const internal = (): OmegaError => omegaError('OMEGA_ERR_INTERNAL', 'The host call failed.');

/**
 * Builds one plugin's bridge from the protocol. The order for every call is fixed: name, byte
 * size of the JSON (per call, the call's own protocol cap, the per-second budget, and for
 * events.publish the publish budget) before parsing, bounded depth, schema validation (for
 * the calls in {@link FAST_ARGS} a hand-written check first, the schema when it declines), the
 * permission descriptor, `authorize` (the single choke point; a deny is audited and answered
 * with OMEGA_ERR_PERM_DENIED), a slot for calls of limited concurrency (fetch, password
 * hashing), then the work. The plugin's identity is the `env` this bridge was built with,
 * never anything in the arguments.
 */
export function createBridge(opts: BridgeOptions): Bridge {
  const { env, limits } = opts;
  const functions = opts.functions ?? HOST_FUNCTIONS;
  const budget = createByteBudget(limits.callBytesPerSec, limits.callBytesPerSec * 4);
  // Published events are retained for replay and copied to every subscriber: their own budget.
  const publishBudget = createByteBudget(limits.publishBytesPerSec, limits.publishBytesPerSec * 4);
  const slots = createCallSlots(limits);
  const logLines = createByteBudget(limits.logLinesPerSec, limits.logLinesPerSec * 4);
  const logBytes = createByteBudget(limits.logBytesPerSec, limits.logBytesPerSec * 4);
  let logDropped = 0;

  /** False when a log line is over the plugin's rate: it is dropped and counted, not an error. */
  const logAllowed = (bytes: number): boolean => {
    if (!logLines.take(1) || !logBytes.take(bytes)) {
      logDropped++;
      return false;
    }
    if (logDropped > 0) {
      env.services.log.warn({ dropped: logDropped }, 'plugin log lines dropped (rate limit)');
      logDropped = 0;
    }
    return true;
  };

  const run = async (name: string, body: Buffer): Promise<string> => {
    if (!isHostCallName(name))
      throw omegaError('OMEGA_ERR_NOT_FOUND', `No host call "${name.slice(0, 64)}".`);
    if (body.length > limits.maxCallBytes) {
      throw omegaError(
        'OMEGA_ERR_PLUGIN_LIMIT',
        `Arguments of ${body.length} bytes exceed ${limits.maxCallBytes}.`,
      );
    }
    const spec = HOST_CALLS[name];
    if (spec.maxBytes !== undefined && body.length > spec.maxBytes) {
      throw omegaError(
        'OMEGA_ERR_PLUGIN_LIMIT',
        `Arguments of ${name} (${body.length} bytes) exceed ${spec.maxBytes}.`,
        { call: name, maxBytes: spec.maxBytes },
      );
    }
    if (!budget.take(body.length)) {
      throw omegaError(
        'OMEGA_ERR_PLUGIN_LIMIT',
        `More than ${limits.callBytesPerSec} argument bytes per second.`,
      );
    }
    const extraBudget = (spec as { budget?: HostCallBudget }).budget;
    if (extraBudget === 'publish' && !publishBudget.take(body.length)) {
      throw omegaError(
        'OMEGA_ERR_PLUGIN_LIMIT',
        `More than ${limits.publishBytesPerSec} bytes of events per second.`,
        { call: name, bytesPerSec: limits.publishBytesPerSec },
      );
    }
    const raw = parseUntrustedJson(body.toString('utf8'), limits.maxJsonDepth);
    let args = FAST_ARGS[name]?.(raw);
    if (args === undefined) {
      const parsed = spec.args.safeParse(raw);
      if (!parsed.success) {
        const errors = parsed.error.issues
          .slice(0, 10)
          .map((i) => ({ path: i.path.join('.'), message: i.message }));
        throw omegaError('OMEGA_ERR_VALIDATION', `Invalid arguments to ${name}.`, { errors });
      }
      args = parsed.data;
    }
    const needed = (
      spec.capability as (a: unknown) => CapabilityDescriptor | readonly CapabilityDescriptor[] | null
    )(args);
    for (const descriptor of needed === null ? [] : Array.isArray(needed) ? needed : [needed]) {
      try {
        opts.authorize(descriptor);
      } catch (err) {
        const message = hasErrorCode(err, 'OMEGA_ERR_PERM_DENIED')
          ? err.message
          : `Plugin "${env.plugin.name}" may not call ${name}.`;
        opts.onDenied?.({
          plugin: env.plugin.name,
          version: env.plugin.version,
          call: name,
          descriptor,
          message,
        });
        const extras = err instanceof OmegaError ? err.extras : { plugin: env.plugin.name };
        throw omegaError('OMEGA_ERR_PERM_DENIED', message, extras);
      }
    }
    if (extraBudget === 'log' && !logAllowed(body.length)) return 'null';
    const fn = functions[name] as (a: unknown, e: HostEnv, bytes: number) => Promise<unknown>;
    const release = await slots.acquire(name, env.signal);
    let result: unknown;
    try {
      result = await fn(args, env, body.length);
    } catch (err) {
      if (err instanceof OmegaError) throw err;
      opts.onInternalError?.(name, err);
      throw internal();
    } finally {
      release();
    }
    const json = JSON.stringify(result === undefined ? null : result);
    if (json === undefined) return 'null';
    const advice = (spec as { hostSizedAnswer?: string }).hostSizedAnswer;
    if (advice !== undefined && answerOverLimit(json, limits.maxCallBytes)) {
      const bytes = Buffer.byteLength(json, 'utf8');
      throw omegaError(
        'OMEGA_ERR_PLUGIN_LIMIT',
        `The answer of ${name} (${bytes} bytes of JSON) exceeds the per-call limit of ${limits.maxCallBytes} bytes; ${advice}.`,
        { call: name, bytes, maxBytes: limits.maxCallBytes },
      );
    }
    return json;
  };

  return {
    handle(name, body) {
      try {
        return run(name, body);
      } catch (err) {
        return Promise.reject(err);
      }
    },
  };
}
