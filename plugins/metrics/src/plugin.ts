import { definePlugin, type PluginContext } from '@omega/sdk';
import { alertRoutes } from './api/alert-routes.js';
import { metricsRoutes } from './api/metrics-routes.js';
import type { MetricsHost } from './metrics-host.js';
import { describe, MetricsService } from './metrics-service.js';

/** Collection period, ms. */
const PERIOD_MS = 1_000;
/** Offset into each second at which a collection starts, so samples land mid-bucket. */
const PHASE_MS = 20;
/** The kernel's shortest timer. */
const MIN_TIMER_MS = 50;

let service: MetricsService | undefined;
let timer: number | undefined;
let stopped = true;

function hostOf(ctx: PluginContext): MetricsHost {
  return {
    readSystem: (area) => ctx.system.read(area),
    storage: ctx.storage,
    publish: (topic, data) => ctx.events.publish(topic, data),
    fetch: (url, init) => ctx.fetch(url, init),
    log: (level, msg, fields) => {
      ctx.log[level](msg, fields).catch(() => {});
    },
    now: () => Date.now(),
  };
}

/** Schedules the next collection at the next second boundary (+ phase), so every node samples in step. */
function schedule(ctx: PluginContext): void {
  if (stopped) return;
  const now = Date.now();
  let wait = PERIOD_MS - (now % PERIOD_MS) + PHASE_MS;
  if (wait < MIN_TIMER_MS) wait += PERIOD_MS;
  ctx.timers
    .after(wait, tick)
    .then((id) => {
      timer = id;
    })
    .catch((err) => {
      ctx.log.error('metrics timer failed; collection stopped', { error: describe(err) }).catch(() => {});
    });
  function tick() {
    timer = undefined;
    schedule(ctx);
    return service?.collect();
  }
}

const current = (): MetricsService => {
  if (!service)
    throw Object.assign(new Error('The metrics plugin is not active.'), { code: 'OMEGA_ERR_UNAVAILABLE' });
  return service;
};

/**
 * The metrics plugin: per-second host metrics keyed by node, tiered history persisted in
 * batches, range queries, Prometheus exposition and alert rules.
 */
export const plugin = definePlugin({
  async activate(ctx) {
    service = new MetricsService(hostOf(ctx));
    await service.start();
    stopped = false;
    await service.collect();
    schedule(ctx);
  },
  async deactivate(ctx) {
    stopped = true;
    if (timer !== undefined) await ctx.timers.cancel(timer).catch(() => false);
    await service?.stop();
    service = undefined;
  },
  routes: { ...metricsRoutes(current), ...alertRoutes(current) },
});
