import { definePlugin, httpError, type PluginRequest, type PluginResponse } from '@omega/sdk';
import { discoveryRoutes } from './api/discovery-routes.js';
import { nodeHistoryRoute } from './api/node-history-route.js';
import { nodeReadRoutes } from './api/node-read-routes.js';
import { nodeRemoveRoute } from './api/node-remove-route.js';
import { nodeWriteRoutes } from './api/node-write-routes.js';
import { settingsRoutes } from './api/settings-routes.js';
import { tokenRoutes } from './api/token-routes.js';
import type { NodesServices } from './contract.js';
import { agentGateway } from './gateway/gateway-service.js';
import { NodesRuntime, TICK_MS } from './runtime.js';
import { commandService } from './services/command-service.js';
import { localJoinTokenService } from './services/local-join-token-service.js';
import { registryService } from './services/registry-service.js';

/** The services by handler name (the manifest maps `agent-gateway` → agentGateway, …). */
type Provides = {
  agentGateway: { args: unknown; result: unknown };
  registry: NodesServices['registry'];
  command: NodesServices['command'];
  localJoinToken: NodesServices['local-join-token'];
};

/**
 * The nodes plugin: the node registry fed by the kernel's agent gateway — joins and
 * identities, liveness states with reasons judged on the kernel's clock, join tokens,
 * discovery approvals, cordon and drain, the nodes API, and the services other plugins reach
 * agents through. Everything it holds belongs to one activation (setup).
 */
export const plugin = definePlugin<{ provides: Provides }>({
  async setup(ctx) {
    const rt = new NodesRuntime(ctx);
    await rt.start();
    let active = true;
    const current = (): NodesRuntime => {
      if (!active)
        throw httpError(503, 'OMEGA_ERR_UNAVAILABLE', 'The nodes plugin is stopping; retry shortly.');
      return rt;
    };
    let ticking = false;
    const timer = await ctx.timers.every(TICK_MS, async () => {
      if (ticking || !active) return;
      ticking = true;
      try {
        await rt.tick();
      } finally {
        ticking = false;
      }
    });
    const routes: Record<string, (req: PluginRequest) => Promise<PluginResponse>> = {
      ...nodeReadRoutes(current),
      ...nodeHistoryRoute(current),
      ...nodeWriteRoutes(current),
      ...nodeRemoveRoute(current),
      ...tokenRoutes(current),
      ...discoveryRoutes(current),
      ...settingsRoutes(current),
    };
    return {
      routes,
      services: {
        agentGateway: (args, _ctx, caller) => agentGateway(current(), args, caller),
        registry: (args) => registryService(current(), args),
        command: (args, _ctx, caller) => commandService(current(), args, caller),
        localJoinToken: (_args, _ctx, caller) => localJoinTokenService(current(), caller),
      },
      async deactivate() {
        active = false;
        await ctx.timers.cancel(timer).catch(() => false);
        await rt.stop();
      },
    };
  },
});
