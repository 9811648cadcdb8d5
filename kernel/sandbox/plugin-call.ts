import {
  PLUGIN_CALLS,
  type PluginCallKind,
  type PluginCallPayload,
  type PluginCallResult,
} from '@omega/protocol';
import { omegaError } from '../errors/index.js';
import { parseUntrustedJson } from './json-guard.js';

/** Something that can be called into: a plugin instance or a host session. */
export interface PluginCallTarget {
  invoke(kind: PluginCallKind, name: string, payloadJson: string, deadlineMs?: number): Promise<string>;
}

/** Deepest JSON a plugin's answer may nest (checked before parsing). */
export const MAX_RESULT_DEPTH = 64;

/**
 * Reads a plugin's answer to a call of kind `kind` as untrusted input: bounded JSON, then the
 * protocol's result schema (PLUGIN_CALLS). Anything else is OMEGA_ERR_PLUGIN_FAILED.
 */
export function readPluginResult<K extends PluginCallKind>(kind: K, json: string): PluginCallResult<K> {
  const raw = json === '' ? undefined : parseUntrustedJson(json, MAX_RESULT_DEPTH);
  const parsed = PLUGIN_CALLS[kind].result.safeParse(raw);
  if (!parsed.success) {
    throw omegaError(
      'OMEGA_ERR_PLUGIN_FAILED',
      `The plugin's answer to a ${kind} call has the wrong shape.`,
      {
        kind,
      },
    );
  }
  return parsed.data as PluginCallResult<K>;
}

/**
 * Calls into a plugin through the protocol's table: the payload of `kind` is encoded once,
 * the answer is checked against the kind's result schema. Errors are coded
 * (PLUGIN_UNAVAILABLE/TIMEOUT/FAILED/LIMIT, or the plugin's own route error).
 */
export async function callPlugin<K extends PluginCallKind>(
  target: PluginCallTarget,
  kind: K,
  name: string,
  payload: PluginCallPayload<K>,
  deadlineMs?: number,
): Promise<PluginCallResult<K>> {
  const json = await target.invoke(kind, name, payload === null ? '' : JSON.stringify(payload), deadlineMs);
  return readPluginResult(kind, json);
}
