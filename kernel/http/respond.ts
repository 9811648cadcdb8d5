import type { RouteInput } from './route.js';

/** Where respond() notes the response it built, on the request's own input object. */
const BUILT = Symbol('omega.http.built');

/** What respond() needs: the kernel's headers for this request (RouteInput is one). */
export interface Responder {
  readonly headers: Readonly<Record<string, string>>;
  [BUILT]?: Response;
}

/**
 * Builds a response with `headers` plus the kernel's headers for this request
 * (`input.headers`, see RouteInput), so the app need not touch it again: the kernel's listener
 * (kernel-listener.ts) then writes it with `writeHead` + `end` from its headers as a plain object,
 * never rebuilt as a `Headers` (as does @hono/node-server's fast path, for what it writes). The kernel's headers win over a handler's of the same name.
 */
export function respond(
  input: Responder,
  body: string | null,
  init: { status?: number; headers?: Record<string, string> } = {},
): Response {
  // Copied key by key: a literal with two object spreads costs microseconds in V8 (measured).
  const headers: Record<string, string> = {};
  const own = init.headers;
  if (own) for (const name in own) headers[name] = own[name]!;
  const kernel = input.headers;
  for (const name in kernel) headers[name] = kernel[name]!;
  const res = new Response(body, { status: init.status ?? 200, headers });
  input[BUILT] = res;
  return res;
}

/**
 * {@link respond} for a caller that built `headers` for this one response: the kernel's headers
 * are added into that object (they win, as in respond) and it becomes the response's own,
 * without the copy respond makes.
 */
export function respondOwned(
  input: Responder,
  body: string | null,
  status: number,
  headers: Record<string, string>,
): Response {
  const kernel = input.headers;
  for (const name in kernel) headers[name] = kernel[name]!;
  const res = new Response(body, { status, headers });
  input[BUILT] = res;
  return res;
}

/** True when `res` is the response respond() built for `input` (it carries the kernel's headers). */
export function carriesKernelHeaders(input: Responder, res: Response): boolean {
  return input[BUILT] === res;
}

/**
 * A request's {@link RouteInput} before authorization and body are known, with the slot respond()
 * notes its response in already there: every request's input has one shape, and respond() adds
 * no property to it (which would allocate a property store per request).
 */
export function routeInput(
  requestId: string,
  headers: Readonly<Record<string, string>>,
): RouteInput<unknown> {
  const input = {
    body: undefined,
    principal: null,
    requestId,
    headers,
    parts: undefined,
    [BUILT]: undefined,
  };
  return input;
}
