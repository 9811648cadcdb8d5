/**
 * Optional type maps a plugin declares to type its events and services:
 * `events` (topic → data it publishes or receives), `calls` (other plugins' services it calls:
 * `plugin.service` → args and result) and `provides` (its own services by name).
 */
export interface PluginTypes {
  events?: Record<string, unknown>;
  calls?: Record<string, { args: unknown; result: unknown }>;
  provides?: Record<string, { args: unknown; result: unknown }>;
}

/** The types used when a plugin declares none: any topic or service, unknown data. */
export interface UntypedPlugin {
  events: Record<string, unknown>;
  calls: Record<string, { args: unknown; result: unknown }>;
  provides: Record<string, { args: unknown; result: unknown }>;
}

/** The event map of `T` (any topic → unknown when not declared). */
export type EventsOf<T extends PluginTypes> =
  T['events'] extends Record<string, unknown> ? T['events'] : UntypedPlugin['events'];
/** The called-services map of `T`. */
export type CallsOf<T extends PluginTypes> =
  T['calls'] extends Record<string, { args: unknown; result: unknown }> ? T['calls'] : UntypedPlugin['calls'];
/** The provided-services map of `T`. */
export type ProvidesOf<T extends PluginTypes> =
  T['provides'] extends Record<string, { args: unknown; result: unknown }>
    ? T['provides']
    : UntypedPlugin['provides'];

/** A service contract: service name → its args and result (exported by the provider as a type). */
export type ServiceContract = Record<string, { args: unknown; result: unknown }>;

/**
 * A provider's contract as its consumers call it: `CallsTo<'nodes', NodesServices>` turns
 * `{ capacity: … }` into `{ 'nodes.capacity': … }`, for `definePlugin<{ calls: … }>`.
 */
export type CallsTo<P extends string, S extends ServiceContract> = {
  [K in keyof S & string as `${P}.${K}`]: S[K];
};
