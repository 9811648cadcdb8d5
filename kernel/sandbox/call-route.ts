import type { RouteRequest } from '@omega/protocol';
import { hasErrorCode, omegaError } from '../errors/index.js';
import type { PluginInstance } from './create-plugin-instance.js';
import { encodeRouteRequestText, type RouteRequestText, routeRequestJson } from './encode-route-request.js';
import { parseUntrustedJson } from './json-guard.js';
import { MAX_RESULT_DEPTH } from './plugin-call.js';
import { splitRouteAnswer } from './split-route-answer.js';
import { validateRouteResponse } from './validate-route-response.js';

/** A read route answer: {@link validateRouteResponse}'s result, and the body's JSON text when known. */
export type RouteAnswer = ReturnType<typeof validateRouteResponse> & {
  /**
   * The body as the plugin wrote it (JSON text of `body`, which is its parse): the client's
   * answer can be this text, not `body` written again. Undefined when the answer was read whole.
   */
  bodyJson?: string;
};

/**
 * An answer in the usual shape (splitRouteAnswer) read member by member: the body's text is kept
 * for the client, so it is not written again by JSON.stringify (~0.26 µs of a small body, and
 * in proportion for a large one). Undefined (the answer is then read whole) when it is not of
 * that shape, a slice does not parse (the whole answer's reading then says why), or it names
 * `__proto__` or has `\u` escapes (read with parseUntrustedJson's reviver, as before).
 */
function readSplit(json: string): RouteAnswer | undefined {
  if (json.includes('__proto__') || json.includes('\\u')) return undefined;
  const parts = splitRouteAnswer(json);
  if (parts === undefined) return undefined;
  let headers: unknown;
  let body: unknown;
  try {
    headers = parts.headersJson === undefined ? undefined : JSON.parse(parts.headersJson);
    body = parseUntrustedJson(parts.bodyJson, MAX_RESULT_DEPTH - 1); // the answer's object is one level
  } catch {
    return undefined;
  }
  const res: RouteAnswer = validateRouteResponse({ status: parts.status, headers, body });
  res.bodyJson = parts.bodyJson;
  return res;
}

/**
 * A route handler's answer text as {@link invokeRoute} resolves it, read as callPlugin reads an
 * answer (bounded JSON) and checked by {@link validateRouteResponse}; throws OMEGA_ERR_PLUGIN_FAILED
 * (or OMEGA_ERR_PLUGIN_LIMIT, too deep) otherwise. An answer of the usual shape also keeps its
 * body's text (RouteAnswer.bodyJson).
 */
export function readRouteAnswer(json: string): RouteAnswer {
  return readSplit(json) ?? readWholeAnswer(json);
}

/** A route answer read whole (any shape): what {@link readRouteAnswer} does when it cannot split it. */
export function readWholeAnswer(json: string): RouteAnswer {
  let answer: unknown;
  try {
    answer = json === '' ? undefined : parseUntrustedJson(json, MAX_RESULT_DEPTH);
  } catch (err) {
    // Malformed JSON here is the plugin's (its isolate may replace JSON.stringify), not the
    // client's: a 502 in the kernel's words, not the 400 OMEGA_ERR_BAD_JSON says.
    if (!hasErrorCode(err, 'OMEGA_ERR_BAD_JSON')) throw err;
    throw omegaError('OMEGA_ERR_PLUGIN_FAILED', 'The route handler answered malformed JSON.');
  }
  return validateRouteResponse(answer);
}

/**
 * Calls route handler `handler` of a plugin with `req` and resolves the answer's text, unread:
 * pass it to {@link readRouteAnswer} before using it. For a caller that continues the call anyway
 * (the kernel's plugin route), reading the answer there saves the promise and microtask of
 * {@link callRoute}'s own continuation. A failure to encode rejects, it does not throw. The
 * payload's pieces and caller go beside it (RouteCallOffer), so a caller the host already keeps
 * goes by slot.
 */
export function invokeRoute(
  instance: PluginInstance,
  handler: string,
  req: RouteRequest,
  deadlineMs?: number,
): Promise<string> {
  let payload: string;
  let text: RouteRequestText | undefined;
  try {
    text = encodeRouteRequestText(req);
    payload = routeRequestJson(req, text);
  } catch (err) {
    return Promise.reject(err);
  }
  // The host session may send a caller its host already keeps by slot (createCallerSlots).
  return instance.invoke('route', handler, payload, deadlineMs, text && { caller: req.caller, text });
}

/**
 * Calls route handler `handler` of a plugin with `req` and returns its validated response
 * (see {@link validateRouteResponse}); errors are coded (PLUGIN_UNAVAILABLE/TIMEOUT/FAILED/LIMIT).
 *
 * The answer is read as callPlugin reads it (bounded JSON) but checked only by the hand-written
 * {@link validateRouteResponse}, which is stricter than the protocol's zod schema for a route
 * result: that zod safeParse was ~1.4 % of the kernel's CPU on a plugin route (--cpu-prof) and
 * checked nothing the hand-written check does not. The request is encoded by
 * encodeRouteRequest (the same JSON as JSON.stringify, faster). Not an async function:
 * the answer is read in the call's own continuation, one promise and one microtask fewer per
 * request than an `await` (a failure to encode still rejects, it does not throw).
 */
export function callRoute(
  instance: PluginInstance,
  handler: string,
  req: RouteRequest,
  deadlineMs?: number,
): Promise<ReturnType<typeof validateRouteResponse>> {
  return invokeRoute(instance, handler, req, deadlineMs).then((json) => {
    // The response alone: a caller of callRoute writes the body itself (bodyJson is the plugin route's).
    const { status, headers, body } = readRouteAnswer(json);
    return { status, headers, body };
  });
}
