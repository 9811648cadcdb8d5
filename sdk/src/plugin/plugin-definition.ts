import type { ServiceCaller } from '@omega/protocol';
import type { PluginContext } from '../context/plugin-context.js';
import type { SchemaRouteHandler } from '../http/route-schemas.js';
import type { RouteHandler } from '../http/route-types.js';
import type { PluginTypes, ProvidesOf, UntypedPlugin } from './plugin-types.js';

/**
 * A service handler: `services[name](args, ctx, caller)`; its result crosses as JSON. `caller`
 * is the calling plugin's identity as the kernel knows it from its channel (or `kernel`).
 */
export type ServiceHandler<T extends PluginTypes = UntypedPlugin, A = unknown, R = unknown> = (
  args: A,
  ctx: PluginContext<T>,
  caller: ServiceCaller,
) => R | Promise<R>;

/**
 * A route handler as `routes` holds it. Its request is checked both ways (a method's
 * parameter is bivariant), so a handler typed from its route schemas ({@link SchemaRouteHandler},
 * which names its query and path parameters) sits beside untyped ones, and an inline handler
 * still gets `req` typed from its context.
 */
export type AnyRouteHandler<T extends PluginTypes = UntypedPlugin> = {
  // biome-ignore lint/suspicious/noExplicitAny: each handler may type its own request body
  handle(...args: Parameters<RouteHandler<T, any, string>>): ReturnType<RouteHandler<T, any, string>>;
}['handle'];

/** The handlers a plugin exports while active: routes (by the manifest's `handler`) and services. */
export interface PluginHandlers<T extends PluginTypes = UntypedPlugin> {
  routes?: Record<string, AnyRouteHandler<T>>;
  services?: {
    [K in keyof ProvidesOf<T>]?: ServiceHandler<T, ProvidesOf<T>[K]['args'], ProvidesOf<T>[K]['result']>;
  };
  /** Called when the plugin stops (disable, reload, upgrade, kernel shutdown), under a deadline. */
  deactivate?(ctx: PluginContext<T>): void | Promise<void>;
}

/**
 * What a bundle exports as `plugin`. Either
 * - `setup(ctx)` (recommended): runs each time the plugin starts and returns the handlers of
 *   that activation, closing over its state — nothing survives in module scope between a
 *   stop and the next start; or
 * - top-level hooks and handlers: `activate(ctx)`, `routes`, `services`, `deactivate(ctx)`.
 *
 * Not both: a definition with `setup` and top-level handlers or hooks fails to activate.
 */
export interface PluginDefinition<T extends PluginTypes = UntypedPlugin> extends PluginHandlers<T> {
  setup?(ctx: PluginContext<T>): PluginHandlers<T> | Promise<PluginHandlers<T>>;
  activate?(ctx: PluginContext<T>): void | Promise<void>;
}
