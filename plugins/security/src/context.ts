import type { PluginContext, PluginRequest } from '@omega/sdk';

/** The ctx every module of this plugin receives. */
export type Ctx = PluginContext;

/** A route request as the kernel hands it over (body unvalidated). */
export type Req = PluginRequest;

/** Who called, as the kernel authenticated them (RouteRequest.caller), with the source address. */
export interface Caller {
  id: string;
  kind: string;
  source: string;
}

/** The caller of a request (`anonymous` on public routes). */
export function callerOf(req: Req): Caller {
  return {
    id: req.caller.id || 'anonymous',
    kind: req.caller.kind,
    source: req.caller.remote ?? 'unknown',
  };
}
