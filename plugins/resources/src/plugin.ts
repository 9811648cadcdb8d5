import type { AgentReportEvent, NodeEvent } from '@omega/plugin-nodes/contract';
import { definePlugin, httpError } from '@omega/sdk';
import { networkRoutes } from './api/network-routes.js';
import { resourceRoutes } from './api/resource-routes.js';
import { settingsRoutes } from './api/settings-routes.js';
import { ResourcesRuntime, TICK_MS } from './runtime.js';

/**
 * The resources plugin: every node's NUMA, thermal and throttling, storage and RAID/pool health
 * (from the agents' `resources.summary` reports, detail on demand), its interfaces, the topology,
 * and the inter-node latency matrix (the probe plans it hands out, the `net.probe` reports it
 * reads). One plugin for both, because both read the same `nodes.agent.report` stream: one
 * subscription and one sandbox instead of two copies of every report (docs/resources.md).
 */
export const plugin = definePlugin({
  async setup(ctx) {
    const rt = new ResourcesRuntime(ctx as ConstructorParameters<typeof ResourcesRuntime>[0]);
    await rt.start();
    let active = true;
    const current = (): ResourcesRuntime => {
      if (!active)
        throw httpError(503, 'OMEGA_ERR_UNAVAILABLE', 'The resources plugin is stopping; retry shortly.');
      return rt;
    };
    const unsubscribe = [
      await ctx.events.subscribe<AgentReportEvent>('nodes.agent.report', (e) => {
        if (active) rt.onReport(e.data);
      }),
      await ctx.events.subscribe<NodeEvent>('nodes.node.*', (e) => {
        if (active) rt.onNodeEvent(e.topic, e.data);
      }),
    ];
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
    const routes = {
      ...resourceRoutes(current),
      ...networkRoutes(current),
      ...settingsRoutes(current),
    };
    return {
      routes,
      async deactivate() {
        active = false;
        await ctx.timers.cancel(timer).catch(() => false);
        for (const u of unsubscribe) await u().catch(() => false);
      },
    };
  },
});
