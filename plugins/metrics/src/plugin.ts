import { definePlugin, httpError, type PluginContext, type TimerTick } from '@omega/sdk';
import { alertRoutes } from './api/alert-routes.js';
import { metricsRoutes } from './api/metrics-routes.js';
import { silenceRoutes } from './api/silence-routes.js';
import { INGEST_TOPIC } from './collect/ingest-series.js';
import { emitOrPublish } from './emit-or-publish.js';
import type { MetricsHost } from './metrics-host.js';
import { describe, MetricsService } from './metrics-service.js';

/** Collection period, ms. */
const PERIOD_MS = 1_000;
/** Offset into each second at which a collection starts, so samples land mid-bucket. */
const PHASE_MS = 20;
/** The kernel's shortest timer. */
const MIN_TIMER_MS = 50;

function hostOf(ctx: PluginContext): MetricsHost {
  return {
    readSystem: (area) => ctx.system.read(area),
    sampleSystem: (areas) => ctx.system.sample([...areas]),
    storage: ctx.storage,
    emit: emitOrPublish(ctx),
    fetch: (url, init) => ctx.fetch(url, init),
    log: (level, msg, fields) => {
      ctx.log[level](msg, fields).catch(() => {});
    },
    now: () => Date.now(),
  };
}

/** A collection further than this from its phase in the second re-aligns the schedule. */
const MAX_DRIFT_MS = 100;

/**
 * One activation's collector: one repeating kernel timer started at the next second boundary
 * (+ phase), so every node samples in step without a host call per second to re-arm a one-shot
 * timer; each tick carries the kernel's reading of the areas read every second (`sample`), so a
 * collection makes no system.sample call. When the repeating timer has drifted (or fired late)
 * by more than MAX_DRIFT_MS, or the areas to carry changed (GPUs or sensors found or gone), it is
 * replaced by one aligned again. A kernel that refuses the `sample` option (no system reads, an
 * area not granted) gets a plain timer: collect() then reads the areas itself. stop() ends it.
 */
function startCollector(ctx: PluginContext, service: MetricsService) {
  let timer: number | undefined;
  let carried = '';
  let stopped = false;
  const failed = (err: unknown): void => {
    ctx.log.error('metrics timer failed; collection stopped', { error: describe(err) }).catch(() => {});
  };
  const keep = (id: number): void => {
    if (stopped) ctx.timers.cancel(id).catch(() => false);
    else timer = id;
  };
  const repeat = (): void => {
    const sample = service.tickAreas();
    carried = sample.join();
    ctx.timers
      .every(PERIOD_MS, tick, { sample })
      .then(keep, (err: unknown) => {
        ctx.log
          .warn('metrics: ticks carry no reading; reading each second with system.sample', {
            error: describe(err),
          })
          .catch(() => {});
        carried = '';
        return ctx.timers.every(PERIOD_MS, tick).then(keep);
      })
      .catch(failed);
  };
  const align = (): void => {
    if (stopped) return;
    let wait = PERIOD_MS - (Date.now() % PERIOD_MS) + PHASE_MS;
    if (wait < MIN_TIMER_MS) wait += PERIOD_MS;
    ctx.timers
      .after(wait, () => {
        timer = undefined;
        if (stopped) return;
        repeat();
        return service.collect();
      })
      .then((id) => {
        timer = id;
      })
      .catch(failed);
  };
  async function tick(t: TimerTick): Promise<void> {
    const late = (Date.now() - PHASE_MS + PERIOD_MS) % PERIOD_MS;
    const drifted = late > MAX_DRIFT_MS && late < PERIOD_MS - MAX_DRIFT_MS;
    if (drifted && timer !== undefined) {
      const id = timer;
      timer = undefined;
      ctx.timers.cancel(id).catch(() => false);
      align();
    }
    await service.collect(t.sample);
    // GPUs or sensors found (or gone): carry the new set from the next tick on.
    if (carried !== '' && timer !== undefined && service.tickAreas().join() !== carried) {
      const id = timer;
      timer = undefined;
      ctx.timers.cancel(id).catch(() => false);
      align();
    }
  }
  align();
  return {
    async stop(): Promise<void> {
      stopped = true;
      if (timer !== undefined) await ctx.timers.cancel(timer).catch(() => false);
    },
  };
}

/**
 * The metrics plugin: per-second host metrics keyed by node, tiered history persisted in
 * batches, range queries, Prometheus exposition and alert rules. Everything it holds belongs
 * to one activation (setup).
 */
export const plugin = definePlugin({
  async setup(ctx) {
    const service = new MetricsService(hostOf(ctx));
    await service.start();
    // Remote nodes' loads from the nodes plugin (absent when the grant is not given: the host only).
    await ctx.events
      .subscribe('nodes.load', (e) => service.ingestLoads(e.data))
      .catch((err) =>
        ctx.log.warn('metrics: not recording remote nodes (events:subscribe:nodes.load)', {
          error: describe(err),
        }),
      );
    // Compute sessions' usage from the sessions plugin (absent without the grant).
    await ctx.events
      .subscribe('sessions.usage', (e) => service.ingestSessionUsage(e.data))
      .catch((err) =>
        ctx.log.warn('metrics: not recording sessions (events:subscribe:sessions.usage)', {
          error: describe(err),
        }),
      );
    await service.collect();
    const collector = startCollector(ctx, service);
    const unsubscribe = await ctx.events.subscribe(INGEST_TOPIC, (e) => service.ingest(e.data));
    let active = true;
    const current = (): MetricsService => {
      if (!active) throw httpError(503, 'OMEGA_ERR_UNAVAILABLE', 'The metrics plugin is stopping.');
      return service;
    };
    return {
      routes: { ...metricsRoutes(current), ...alertRoutes(current), ...silenceRoutes(current) },
      async deactivate() {
        active = false;
        await unsubscribe().catch(() => false);
        await collector.stop();
        await service.stop();
      },
    };
  },
});
