import type { NodesServices } from '@omega/plugin-nodes/contract';
import type { CallsTo, PluginContext } from '@omega/sdk';

/**
 * The nodes plugin's services as this plugin calls them (`nodes.registry`, `nodes.command`).
 * Mapped once so an interface contract satisfies the sdk's ServiceContract constraint.
 */
export type NodesCalls = CallsTo<'nodes', { [K in keyof NodesServices]: NodesServices[K] }>;

/** The plugin's ctx with the nodes services typed. */
export type NodesCtx = PluginContext<{ calls: NodesCalls }>;
