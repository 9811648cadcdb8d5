import type { RouteRequest } from '@omega/protocol';
import { isFrozenCaller } from './is-frozen-caller.js';

/** Strings JSON writes as they are: printable ASCII without `"` and `\`. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** A JSON string literal: plain short strings are quoted as they are, the rest by JSON.stringify. */
const str = (s: string): string => (s.length <= 512 && PLAIN.test(s) ? `"${s}"` : JSON.stringify(s));

/** Names kept in {@link NAMES} are no longer than this; at most {@link MAX_NAMES} are kept. */
const MAX_NAME_LENGTH = 64;
const MAX_NAMES = 256;
/**
 * JSON literals of the names a request repeats (keys, header names, methods, a static route's
 * path), so each is tested and quoted once, not on every request. Bounded: when parameterised
 * paths or a client's query keys fill it, it is emptied and fills again with what comes next.
 */
const NAMES = new Map<string, string>();

/** {@link str} of a name (a key, method or path), from {@link NAMES} when it is there. */
function name(s: string): string {
  const known = NAMES.get(s);
  if (known !== undefined) return known;
  const json = str(s);
  if (s.length <= MAX_NAME_LENGTH) {
    // Full (parameterised paths, clients' query keys): start again, so the hot names come back.
    if (NAMES.size >= MAX_NAMES) NAMES.clear();
    NAMES.set(s, json);
  }
  return json;
}

/**
 * The last value {@link value} quoted, and its literal: a request's id is written twice (the
 * `x-request-id` header the plugin sees and `requestId`), and is tested and quoted once.
 */
let lastValue = '';
let lastValueJson = '""';

/** {@link str} of a value, quoted once when the same string comes twice in a row. */
function value(s: string): string {
  if (s !== lastValue) {
    lastValueJson = str(s);
    lastValue = s;
  }
  return lastValueJson;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  typeof (v as { toJSON?: unknown }).toJSON !== 'function';

/** A JSON array of strings; JSON.stringify for anything else (holes, other values). */
function strings(a: unknown[]): string {
  let out = '';
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (typeof x !== 'string') return JSON.stringify(a);
    out += i === 0 ? str(x) : `,${str(x)}`;
  }
  return `[${out}]`;
}

/** A flat object of strings and string arrays (params, query, headers, caller), in key order as JSON.stringify writes it. */
function flat(o: Record<string, unknown>): string {
  let out = '';
  for (const key of Object.keys(o)) {
    const v = o[key];
    let json: string | undefined;
    if (typeof v === 'string') json = value(v);
    else if (Array.isArray(v)) json = strings(v);
    else json = JSON.stringify(v); // undefined (and functions) give undefined: the key is left out, as JSON.stringify does
    if (json !== undefined) out += out === '' ? `${name(key)}:${json}` : `,${name(key)}:${json}`;
  }
  return `{${out}}`;
}

/** The JSON text of deep-frozen callers (routeCaller hands out one per principal and address). */
const frozenCallers = new WeakMap<object, string>();

/**
 * A caller's JSON text: a deep-frozen caller (the object and its arrays) cannot change, so its
 * text is written once and reused by every request with the same caller; any other is written each time.
 */
function callerJson(caller: Record<string, unknown>): string {
  const known = frozenCallers.get(caller);
  if (known !== undefined) return known;
  const json = flat(caller);
  if (isFrozenCaller(caller)) frozenCallers.set(caller, json);
  return json;
}

/**
 * Every key of a route request, as the encoder below writes them: a key added to `RouteRequest`
 * and not here fails the type check, so it cannot be left out of what the plugin receives.
 */
const ROUTE_REQUEST_KEYS: Record<keyof RouteRequest, true> = {
  method: true,
  path: true,
  params: true,
  query: true,
  headers: true,
  body: true,
  caller: true,
  requestId: true,
};
void ROUTE_REQUEST_KEYS;

/**
 * A route request's JSON text in three pieces: `head + caller + tail` is the whole text, `caller`
 * the caller's JSON (the value of `"caller":`). A host session that already sent this caller to
 * its host sends `head + slot + tail` instead (see createCallerSlots).
 */
export interface RouteRequestText {
  head: string;
  caller: string;
  tail: string;
}

/**
 * {@link encodeRouteRequest}'s text in its three pieces ({@link RouteRequestText}), or undefined
 * for a request not of the shape the kernel builds (encodeRouteRequest then writes it with JSON.stringify).
 */
export function encodeRouteRequestText(req: RouteRequest): RouteRequestText | undefined {
  const { method, path, params, query, headers, body, caller, requestId } = req;
  if (
    typeof method !== 'string' ||
    typeof path !== 'string' ||
    typeof requestId !== 'string' ||
    !isPlainObject(params) ||
    !isPlainObject(query) ||
    !isPlainObject(headers) ||
    !isPlainObject(caller)
  ) {
    return undefined;
  }
  const bodyJson = body === undefined ? undefined : JSON.stringify(body);
  const head = `{"method":${name(method)},"path":${name(path)},"params":${flat(params)},"query":${flat(query)}`;
  // The headers' first value (x-request-id, see requestFor) is the request id: quoted once for both.
  const id = value(requestId);
  return {
    head: `${head},"headers":${flat(headers)}${bodyJson === undefined ? '' : `,"body":${bodyJson}`},"caller":`,
    caller: callerJson(caller as unknown as Record<string, unknown>),
    tail: `,"requestId":${id}}`,
  };
}

/**
 * The JSON text of a route request, as `JSON.stringify(req)` writes it for a request built as the
 * kernel builds one (same keys, same order, same escapes), in about half the time: the generic
 * JSON.stringify of this small object was ~5 % of the kernel's CPU on a plugin route (--cpu-prof,
 * issue #13), mostly per-string work that printable-ASCII values (ids, paths, header values) do
 * not need. Anything not of the request's shape goes to JSON.stringify whole. Names (keys, the
 * method, a static path) are quoted once and kept, and the request id once for its two places:
 * ~0.9 → ~0.7 µs per request, encoding and writing into a frame (issue #13, route-cpu).
 */
export function encodeRouteRequest(req: RouteRequest): string {
  return routeRequestJson(req, encodeRouteRequestText(req));
}

/** The whole text of `req` from its pieces (`text`), or JSON.stringify's when it has none. */
export function routeRequestJson(req: RouteRequest, text: RouteRequestText | undefined): string {
  return text === undefined ? JSON.stringify(req) : text.head + text.caller + text.tail;
}
