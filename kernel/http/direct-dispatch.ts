import { Context, type Hono } from 'hono';
import type { Router } from 'hono/router';
import type { H, RouterRoute } from 'hono/types';

/** What hono's router holds per route: the handler, then hono's own record of the route. */
export type RouterEntry = [H, RouterRoute];

/** The `next` every handler gets: the kernel's route handlers are single and never call it. */
const NEXT = async (): Promise<void> => {};

/** Options of {@link directDispatch}. */
export interface DirectDispatchOptions {
  /** The app, for everything that is not one matched handler (not found, HEAD, several handlers). */
  app: Hono;
  /** The router the app was made with (`new Hono({ router })`). */
  router: Router<RouterEntry>;
  /** The app's not-found handler, for a context's `c.notFound()`. */
  notFound: (c: Context) => Response | Promise<Response>;
  /** The app's error handler, for what a handler throws synchronously. */
  onError: (err: Error, c: Context) => Response;
}

/**
 * The app's `fetch` for a request that matches exactly one route: the same router lookup and
 * Context as hono's dispatch, then the handler's answer as it is. Hono wraps a handler's promise
 * in `.then(…).catch(…)` (two promises and two microtasks per request, for handlers that may
 * resolve nothing, which the kernel's never do: each returns a Response and catches its own
 * failures) and makes a `next` closure for every request; the kernel's plugin routes answer with a
 * promise on every request (issue #13). Anything else (no route or 405, HEAD, several handlers)
 * goes to hono's own `fetch`.
 */
export function directDispatch(
  opts: DirectDispatchOptions,
): (req: Request, env?: unknown) => Response | Promise<Response> {
  const { app, router, notFound, onError } = opts;
  return (req, env) => {
    const method = req.method;
    if (method === 'HEAD') return app.fetch(req, env as never);
    const path = app.getPath(req, { env });
    const matchResult = router.match(method, path);
    const handlers = matchResult[0];
    if (handlers.length !== 1) return app.fetch(req, env as never);
    const c = new Context(req, { path, matchResult, env, notFoundHandler: notFound });
    try {
      return handlers[0]![0][0](c, NEXT) as Response | Promise<Response>;
    } catch (err) {
      if (err instanceof Error) return onError(err, c);
      throw err;
    }
  };
}
