import { definePlugin, errorCode, httpError } from '@omega/sdk';
import { discoveryRoutes } from './api/discovery-routes.js';
import { nodeHistoryRoute } from './api/node-history-route.js';
import { nodeReadRoutes } from './api/node-read-routes.js';
import { nodeRemoveRoute } from './api/node-remove-route.js';
import { nodeWriteRoutes } from './api/node-write-routes.js';
import { settingsRoutes } from './api/settings-routes.js';
import { tokenRoutes } from './api/token-routes.js';
import type { NodesServices } from './contract.js';
import { agentGateway, notLoaded } from './gateway/gateway-service.js';
import { NodesRuntime, TICK_MS } from './runtime.js';
import { commandService } from './services/command-service.js';
import { localJoinTokenService } from './services/local-join-token-service.js';
import { registryService } from './services/registry-service.js';

/** How long setup waits for the registry to load before it answers (the activation deadline is 10 s). */
const SETUP_WAIT_MS = 5_000;

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
    let active = true;
    // The registry loads in the background: setup must answer within the activation deadline
    // whatever the fleet's size (10,000 records on a loaded machine can take longer), and a
    // plugin killed for a slow activation would only start over. Until it is loaded, routes
    // answer 503, joins and resumes are refused with retryAfterSec (agents retry), and
    // deliveries fail (the kernel drops those batches: heartbeats are ephemeral, and the
    // sessions are re-read from the kernel once loaded).
    let loaded = false;
    let loading: Promise<void> | undefined;
    let failures = 0;
    let retryAt = 0;
    /** Starts a load unless one runs or the last failed less than its back-off ago (the tick retries). */
    const load = (): void => {
      if (loaded || loading || !active || Date.now() < retryAt) return;
      loading = rt
        .start()
        .then(
          () => {
            loaded = true;
          },
          (err: unknown) => {
            failures++;
            retryAt = Date.now() + Math.min(30_000, 1_000 * 2 ** failures);
            const code = errorCode(err) ?? 'unknown';
            ctx.log.error('nodes: loading the registry failed; retrying', { code, failures }).catch(() => {});
          },
        )
        .finally(() => {
          loading = undefined;
        });
    };
    load();
    // A registry that loads within a few seconds (every small one) is loaded when setup returns.
    let waited: () => void = () => {};
    const waitTimer = await ctx.timers.after(SETUP_WAIT_MS, () => waited());
    await Promise.race([loading, new Promise<void>((r) => (waited = r))]);
    await ctx.timers.cancel(waitTimer).catch(() => false);
    const current = (): NodesRuntime => {
      if (!active)
        throw httpError(503, 'OMEGA_ERR_UNAVAILABLE', 'The nodes plugin is stopping; retry shortly.');
      if (!loaded)
        throw httpError(
          503,
          'OMEGA_ERR_UNAVAILABLE',
          'The nodes plugin is loading its registry; retry in a few seconds.',
          {
            retryAfterSec: 2,
          },
        );
      return rt;
    };
    let ticking = false;
    const timer = await ctx.timers.every(TICK_MS, async () => {
      if (!loaded) return load();
      if (ticking || !active) return;
      ticking = true;
      try {
        await rt.tick();
      } finally {
        ticking = false;
      }
    });
    const routes = {
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
        agentGateway: (args, _ctx, caller) => {
          if (active && !loaded) return notLoaded(args, caller);
          return agentGateway(current(), args, caller);
        },
        registry: (args) => registryService(current(), args),
        command: (args, _ctx, caller) => commandService(current(), args, caller),
        localJoinToken: (_args, _ctx, caller) => localJoinTokenService(current(), caller),
      },
      async deactivate() {
        active = false;
        await ctx.timers.cancel(timer).catch(() => false);
        await loading;
        if (loaded) await rt.stop();
      },
    };
  },
});
