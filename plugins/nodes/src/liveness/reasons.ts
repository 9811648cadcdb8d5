import { isoTime } from '@omega/sdk';

/** `12:01:07 UTC` for an epoch-ms time (the state's `since` carries the full ISO time). */
export function clock(ms: number): string {
  return `${isoTime(ms).slice(11, 19)} UTC`;
}

/** `23 s`, or `4 min` from two minutes on. */
export function span(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `${s} s` : `${Math.round(s / 60)} min`;
}

/** `last from 10.203.7.12 at 12:01:07 UTC` (or without the address when unknown). */
export function lastFrom(at: number, remote: string | undefined): string {
  return `last from ${remote ?? 'an unknown address'} at ${clock(at)}`;
}

/** Control characters (C0 but none kept, DEL, C1): an agent's own words lose them. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it matches
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]+/g;

/** An agent's own words as one printable line: each run of control characters becomes a space. */
export function printable(text: string): string {
  return text.replace(CONTROLS, ' ').trim();
}

/** Every reason text a state change can carry, in one place (docs/nodes.md lists them). */
export const REASONS = {
  joined: (token: string, remote: string | undefined) =>
    `joined with token ${token}${remote ? ` from ${remote}` : ''}`,
  connected: (remote: string | undefined) => `connected${remote ? ` from ${remote}` : ''}`,
  resumed: (silentMs: number, remote: string | undefined) =>
    `heartbeats resumed${remote ? ` from ${remote}` : ''} after ${span(silentMs)} of silence`,
  missed: (silentMs: number, at: number, remote: string | undefined, tcp: string) =>
    `missed heartbeats: none for ${span(silentMs)}, ${lastFrom(at, remote)}${tcp}`,
  closing: (at: number, code: number, graceMs: number) =>
    `connection closed without leave at ${clock(at)} (code ${code}); waiting up to ${span(graceMs)} for the agent to reconnect`,
  stopped: (at: number, code: number, graceMs: number) =>
    `agent stopped responding: connection closed without leave at ${clock(at)} (code ${code}) and no reconnect within ${span(graceMs)}`,
  silence: (silentMs: number, at: number, remote: string | undefined) =>
    `no heartbeat for ${span(silentMs)}, ${lastFrom(at, remote)}`,
  hung: (silentMs: number, at: number, remote: string | undefined) =>
    `agent hung: its machine acknowledges but the agent has not answered for ${span(silentMs)} (${lastFrom(at, remote)})`,
  unreachable: (silentMs: number, at: number, remote: string | undefined) =>
    `unreachable: no heartbeat for ${span(silentMs)} and the kernel's data to ${remote ?? 'it'} is not acknowledged (link cut or machine down); last heartbeat at ${clock(at)}`,
  left: (reason: string) => `left: ${printable(reason) || 'the agent stopped gracefully'}`,
} as const;

/** What TCP said during a silence, as a suffix of the suspect reason. */
export function tcpSuffix(transport: 'acked' | 'unacked' | 'unknown' | undefined): string {
  if (transport === 'acked') return "; the node's machine still acknowledges TCP data (agent hung?)";
  if (transport === 'unacked') return '; TCP data to it is not acknowledged (link cut?)';
  return '';
}

/** Deepest nesting kept of an agent's data (specs, reports: a handful of levels when honest). */
const MAX_DATA_DEPTH = 16;

/**
 * An agent's data (its specs, its reports) with every string and key made {@link printable}:
 * what it claims reaches the registry, the dashboard, event sinks and `--json` readers without
 * terminal escapes or line breaks. Nesting past {@link MAX_DATA_DEPTH} is dropped (null).
 */
export function printableData(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return printable(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DATA_DEPTH) return null;
  if (Array.isArray(value)) return value.map((v) => printableData(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const key = printable(k);
    // "\u0001__proto__" survives the kernel's JSON guard and becomes __proto__ here: an assignment
    // would set the copy's prototype, a claim no stored byte shows (review). Dropped.
    if (key === '__proto__') continue;
    out[key] = printableData(v, depth + 1);
  }
  return out;
}

/** Control characters as JSON.stringify writes them: escaped C0 (`\n`, `\u0001`), raw DEL and C1. */
const JSON_CONTROLS = /\\[bfnrtu]|[\u007f-\u009f]/;

/**
 * {@link printableData} for data whose JSON text is at hand: most reports (a session's usage each
 * second) hold no control character, and are passed on as they are without a walk.
 */
export function printableJsonData(value: unknown, json: string): unknown {
  return JSON_CONTROLS.test(json) ? printableData(value) : value;
}
