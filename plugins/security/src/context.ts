import type { PluginContext, PluginRequest, SchemaRequest } from '@omega/sdk';
import type { routeSchemas } from './routes/route-schemas.js';

/** The ctx every module of this plugin receives. */
export type Ctx = PluginContext;

/** A route request as the kernel hands it over. */
export type Req = PluginRequest;

/** The routes' schemas (src/routes/route-schemas.ts), by handler. */
export type RouteSchemas = typeof routeSchemas;

/** The request of route `K`, typed from its schemas (the kernel validated it against them). */
export type RouteReq<K extends keyof RouteSchemas> = SchemaRequest<RouteSchemas[K]>;

/** Who called, as the kernel authenticated them (RouteRequest.caller), with the source address. */
export interface Caller {
  id: string;
  kind: string;
  source: string;
}

/** The caller of a request (`anonymous` on public routes). */
export function callerOf(req: Pick<Req, 'caller'>): Caller {
  return {
    id: req.caller.id || 'anonymous',
    kind: req.caller.kind,
    source: req.caller.remote ?? 'unknown',
  };
}
