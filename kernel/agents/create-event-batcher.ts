import type { Logger } from '../log/index.js';
import type { AgentEvent } from './agent-event.js';

/**
 * What the kernel tells the gateway plugin beside a batch about its own delays, so that the
 * plugin never judges as an agent's silence what the kernel dropped or has not handed over yet.
 */
export interface DeliveryGap {
  /**
   * Kernel clock, epoch ms: every event the kernel saw before this has been handed over (in
   * this batch or earlier) or is counted in `alive`. Events after it wait in the kernel's queue:
   * silence after it is not evidence yet.
   */
  complete: number;
  /**
   * Nodes whose events the kernel dropped (queue full, a failed delivery) since the last
   * batch, each with the latest kernel time one of its agent's frames arrived: proof it was
   * alive then. Absent when nothing was dropped.
   */
  alive?: Array<[node: string, at: number]>;
}

/** Options of {@link createEventBatcher}. */
export interface EventBatcherOptions {
  /** Hands one batch to the gateway plugin (in order; never two at once). */
  deliver: (events: readonly AgentEvent[], gap: DeliveryGap) => Promise<void>;
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

/** Events that prove the agent was alive when the kernel saw them. */
const provesAlive = (e: AgentEvent): boolean => e.type === 'message' || e.type === 'connected';

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
  /** Per node, the latest frame of a dropped event not told to the plugin yet (≤ one per node). */
  let alive = new Map<string, number>();

  const lose = (e: AgentEvent): void => {
    dropped++;
    if (provesAlive(e) && (alive.get(e.node) ?? 0) < e.at) alive.set(e.node, e.at);
  };

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
      // Queued events are in arrival order: the oldest still waiting bounds what is complete.
      const gap: DeliveryGap = { complete: queue[0] ? queue[0].at : Date.now() };
      const told = alive;
      if (told.size > 0) {
        gap.alive = [...told];
        alive = new Map();
      }
      try {
        await opts.deliver(batch, gap);
        opts.onDelivered(batch);
      } catch (err) {
        // Lost with the batch: what it proved, and the drops it was to tell of.
        for (const [node, at] of told) if ((alive.get(node) ?? 0) < at) alive.set(node, at);
        for (const e of batch) lose(e);
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
        warn('agent event queue full; events dropped', { queued: queue.length });
        if (oldest < 0) {
          lose(event);
          return;
        }
        lose(queue.splice(oldest, 1)[0] as AgentEvent);
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
