import type { Logger } from '../log/index.js';
import type { AgentEvent } from './agent-event.js';

/** Options of {@link createEventBatcher}. */
export interface EventBatcherOptions {
  /** Hands one batch to the gateway plugin (in order; never two at once). */
  deliver: (events: readonly AgentEvent[]) => Promise<void>;
  /** After a batch was delivered (e.g. to acknowledge its heartbeats). */
  onDelivered: (events: readonly AgentEvent[]) => void;
  logger: Logger;
  /** Longest a non-urgent event waits, ms (default 100). */
  intervalMs?: number;
  /** Most events in one delivery (default 500). */
  maxBatch?: number;
  /** Most events waiting; past it the oldest heartbeats are dropped (default 20,000). */
  maxQueue?: number;
}

/** Agent events on their way to the gateway plugin. */
export interface EventBatcher {
  /** Queues an event; `urgent` ones (results, connects, closes) go out at once. */
  push(event: AgentEvent, urgent?: boolean): void;
  /** Delivers what is queued, then stops. */
  close(): Promise<void>;
  /** Events dropped so far (queue full, or the gateway plugin failed). */
  dropped(): number;
}

const isHeartbeat = (e: AgentEvent): boolean => e.type === 'message' && e.m.k === 'hb';

/**
 * Batches agent events so that 2,000 heartbeats a second cross into the plugin as ~10 calls:
 * a batch goes when `maxBatch` events wait, when an urgent event arrives, or `intervalMs` after
 * the first waiting event. Deliveries are sequential, so the plugin sees events in order. A
 * delivery that fails (the plugin is restarting) drops its batch: heartbeats are ephemeral, and
 * commands are retried by their callers with the same id.
 */
export function createEventBatcher(opts: EventBatcherOptions): EventBatcher {
  const intervalMs = opts.intervalMs ?? 100;
  const maxBatch = opts.maxBatch ?? 500;
  const maxQueue = opts.maxQueue ?? 20_000;
  const queue: AgentEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let urgent = false;
  let closed = false;
  let dropped = 0;
  let lastWarn = 0;

  const warn = (msg: string, fields: Record<string, unknown>) => {
    const now = Date.now();
    if (now - lastWarn < 10_000) return;
    lastWarn = now;
    opts.logger.warn({ ...fields, dropped }, msg);
  };

  const pump = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      urgent = queue.some((e) => !isHeartbeat(e));
      try {
        await opts.deliver(batch);
        opts.onDelivered(batch);
      } catch (err) {
        dropped += batch.length;
        warn('agent events could not be delivered to the gateway plugin; dropped', {
          err: (err as { code?: string }).code ?? String(err),
          events: batch.length,
        });
      }
      if (!urgent && queue.length < maxBatch && !closed) break;
    }
  };

  const kick = (): void => {
    if (running) return;
    clearTimeout(timer);
    timer = undefined;
    running = pump().finally(() => {
      running = undefined;
      if (queue.length > 0) schedule();
    });
  };

  const schedule = (): void => {
    if (running) return;
    if (urgent || queue.length >= maxBatch) kick();
    else timer ??= setTimeout(kick, intervalMs);
  };

  return {
    push(event, isUrgent = false) {
      if (closed) return;
      if (queue.length >= maxQueue) {
        // Full: a new heartbeat is dropped; anything else takes the place of the oldest heartbeat.
        const oldest = isHeartbeat(event) ? -1 : queue.findIndex(isHeartbeat);
        dropped++;
        warn('agent event queue full; events dropped', { queued: queue.length });
        if (oldest < 0) return;
        queue.splice(oldest, 1);
      }
      queue.push(event);
      if (isUrgent) urgent = true;
      schedule();
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      while (running) await running;
      if (queue.length > 0) await pump();
    },
    dropped: () => dropped,
  };
}
