import type { RouteRequest, RouteResponse } from '@omega/protocol';
import type { PluginContext } from '../context/plugin-context.js';
import type { PluginTypes, UntypedPlugin } from '../plugin/plugin-types.js';

/**
 * What a route handler receives: the kernel's RouteRequest with the body typed as `B` (the
 * kernel only guarantees JSON: validate before trusting it) and path parameters named `Params`.
 */
export type PluginRequest<B = unknown, Params extends string = string> = Omit<
  RouteRequest,
  'body' | 'params'
> & {
  body: B;
  params: Record<Params, string>;
};

/** What a route handler returns: `{ status, headers?, body? }`, validated by the kernel. */
export type PluginResponse<B = unknown> = Omit<RouteResponse, 'body'> & { body?: B };

/** A route handler (`routes[handler]` in the manifest). */
export type RouteHandler<
  T extends PluginTypes = UntypedPlugin,
  B = unknown,
  Params extends string = string,
> = (req: PluginRequest<B, Params>, ctx: PluginContext<T>) => PluginResponse | Promise<PluginResponse>;
