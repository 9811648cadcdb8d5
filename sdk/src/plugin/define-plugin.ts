import type { PluginDefinition } from './plugin-definition.js';
import type { PluginTypes, UntypedPlugin } from './plugin-types.js';

/**
 * Declares a plugin: `export const plugin = definePlugin({ setup(ctx) { …; return { routes } } })`
 * (state per activation) or `definePlugin({ activate, routes, … })`. The identity at run time;
 * at compile time it types every hook, handler and `ctx` call from the protocol. Pass a
 * {@link PluginTypes} map (`definePlugin<{ events: {…} }>({…})`) to type events and services.
 * (The parameter is `D` alone, not intersected with the definition type: an intersection gives
 * the routes that `setup` returns no contextual type, so their `req` would be an implicit any.)
 */
export function definePlugin<
  T extends PluginTypes = UntypedPlugin,
  D extends PluginDefinition<T> = PluginDefinition<T>,
>(definition: D): D {
  return definition;
}
