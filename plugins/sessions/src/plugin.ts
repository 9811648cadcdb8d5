import type { AgentReportEvent, NodeEvent } from '@omega/plugin-nodes/contract';
import { definePlugin, httpError } from '@omega/sdk';
import type { NodesCalls } from './agents/nodes-calls.js';
import { onAgentReport } from './agents/report-handler.js';
import { allocation } from './api/allocation-route.js';
import { controlRoutes } from './api/control-routes.js';
import { createSession } from './api/create-session-route.js';
import { listRoutes } from './api/list-sessions-route.js';
import { logsRoutes } from './api/logs-routes.js';
import { planSessions } from './api/plan-sessions-route.js';
import { quotaRoutes } from './api/quota-routes.js';
import { settingsRoutes } from './api/settings-routes.js';
import { slurmRoutes } from './api/slurm-route.js';
import { usageRoutes } from './api/usage-route.js';
import type { SessionsEvents } from './contract.js';
import { SessionsRuntime, TICK_MS } from './runtime.js';
import { describeError } from './util/describe-error.js';

/** What the plugin calls and publishes, typed. */
type Types = {
  calls: NodesCalls & { 'security.user-roles': { args: { user: string }; result: { roles: string[] } } };
  events: SessionsEvents & Record<string, unknown>;
};

/**
 * The sessions plugin: compute sessions with a spec, quotas, placement and a lifecycle with a
 * reason at every step. It decides and records; agents execute (through the nodes plugin's
 * `nodes.command`) and report back (`nodes.agent.report`). Everything it holds belongs to one
 * activation (setup).
 */
export const plugin = definePlugin<Types>({
  async setup(ctx) {
    const rt = new SessionsRuntime(ctx);
    await rt.start();
    let active = true;
    const current = (): SessionsRuntime => {
      if (!active)
        throw httpError(503, 'OMEGA_ERR_UNAVAILABLE', 'The sessions plugin is stopping; retry shortly.');
      return rt;
    };
    const background = (what: string, work: Promise<unknown>) =>
      void work.catch((err) => rt.log('warn', `sessions: ${what} failed`, { error: describeError(err) }));
    const unsubscribe = [
      await ctx.events.subscribe<NodeEvent>('nodes.node.*', (e) =>
        background('node event', rt.nodes.onEvent(e.topic, e.data)),
      ),
      await ctx.events.subscribe<AgentReportEvent>('nodes.agent.report', (e) =>
        background('agent report', onAgentReport(rt, e.data)),
      ),
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
      createSession: (req: Parameters<typeof createSession>[1]) => createSession(current(), req),
      planSessions: (req: Parameters<typeof planSessions>[1]) => planSessions(current(), req),
      allocation: async () => allocation(current()),
      ...listRoutes(current),
      ...controlRoutes(current),
      ...logsRoutes(current),
      ...usageRoutes(current),
      ...quotaRoutes(current),
      ...slurmRoutes(current),
      ...settingsRoutes(current),
    };
    return {
      routes,
      async deactivate() {
        active = false;
        await ctx.timers.cancel(timer).catch(() => false);
        for (const u of unsubscribe) await u().catch(() => false);
        await rt.stop();
      },
    };
  },
});
