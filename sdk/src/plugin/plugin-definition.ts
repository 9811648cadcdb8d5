import type { PluginContext } from '../context/plugin-context.js';
import type { RouteHandler } from '../http/route-types.js';
import type { PluginTypes, ProvidesOf, UntypedPlugin } from './plugin-types.js';

/** A service handler: `services[name](args, ctx)`; its result crosses as JSON. */
export type ServiceHandler<T extends PluginTypes = UntypedPlugin, A = unknown, R = unknown> = (
  args: A,
  ctx: PluginContext<T>,
) => R | Promise<R>;

/**
 * What a bundle exports as `plugin`: lifecycle hooks, route handlers (named by the manifest's
 * `routes[].handler`) and services (named by `services[].handler ?? name`).
 */
export interface PluginDefinition<T extends PluginTypes = UntypedPlugin> {
  activate?(ctx: PluginContext<T>): void | Promise<void>;
  deactivate?(ctx: PluginContext<T>): void | Promise<void>;
  // biome-ignore lint/suspicious/noExplicitAny: each handler may type its own request body
  routes?: Record<string, RouteHandler<T, any, string>>;
  services?: {
    [K in keyof ProvidesOf<T>]?: ServiceHandler<T, ProvidesOf<T>[K]['args'], ProvidesOf<T>[K]['result']>;
  };
}
