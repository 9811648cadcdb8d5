import type { PluginContext } from '@omega/sdk';
import { describe } from './metrics-service.js';

/**
 * A publish without waiting for its answer: `ctx.events.emit` where the kernel has it; on a
 * kernel without emit (older than metrics 0.2.1), `ctx.events.publish` with its promise caught,
 * so every sample is still published and a refusal is logged instead of thrown.
 */
export function emitOrPublish(
  ctx: Pick<PluginContext, 'events' | 'log'>,
): (topic: string, data: unknown) => void {
  const events = ctx.events as Partial<PluginContext['events']>;
  if (typeof events.emit === 'function') return (topic, data) => ctx.events.emit(topic, data);
  return (topic, data) => {
    ctx.events.publish(topic, data).catch((err: unknown) => {
      ctx.log.warn('publish failed', { topic, error: describe(err) }).catch(() => {});
    });
  };
}
