import type { PluginContext } from '@omega/sdk';

/** The kernel's default publish budget for a plugin is 256 KiB/s (burst 1 MiB): stay under it. */
const RATE_BYTES_PER_SEC = 230_000;
const BURST_BYTES = 900_000;
/** Publishes in flight at once (the kernel bounds a plugin's pending host calls at 256). */
const MAX_IN_FLIGHT = 32;
/** Events held while the budget is spent; past it the oldest droppable ones go first. */
const MAX_QUEUE = 100_000;

interface Queued {
  topic: string;
  data: unknown;
  bytes: number;
  /** May be dropped when the queue is long (superseded periodic data such as loads). */
  droppable: boolean;
}

/**
 * Publishes events in order, paced under the kernel's per-plugin byte budget, so a burst (ten
 * thousand nodes going down together) is delivered over seconds instead of being refused. A
 * refusal by the kernel's budget puts the event back at the head and waits for the next tick.
 */
export class PacedPublisher {
  /** Events the kernel refused for another reason, or dropped from a full queue. */
  readonly stats = { published: 0, failed: 0, dropped: 0 };
  private readonly queue: Queued[] = [];
  private head = 0;
  private tokens = BURST_BYTES;
  private refilledAt = Date.now();
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly ctx: PluginContext) {}

  /** Events waiting. */
  get backlog(): number {
    return this.queue.length - this.head;
  }

  /**
   * Queues `data` on `topic` (`droppable`: superseded by the next one, dropped first when
   * backlogged; `dataBytes`: its JSON length when the caller knows it).
   */
  publish(topic: string, data: unknown, droppable = false, dataBytes?: number): void {
    // `dataBytes`: the caller already knows the JSON size (a load batch): not serialised twice.
    const bytes = topic.length + (dataBytes ?? JSON.stringify(data).length) + 32;
    if (this.backlog >= MAX_QUEUE && !this.dropOne()) {
      this.stats.dropped++;
      return;
    }
    this.queue.push({ topic, data, bytes, droppable });
    this.schedule();
  }

  /** Publishes what the budget allows now (also called from the plugin's periodic tick). */
  pump(): void {
    const now = Date.now();
    this.tokens = Math.min(BURST_BYTES, this.tokens + ((now - this.refilledAt) * RATE_BYTES_PER_SEC) / 1000);
    this.refilledAt = now;
    while (this.head < this.queue.length && this.inFlight < MAX_IN_FLIGHT) {
      const next = this.queue[this.head]!;
      if (next.bytes > this.tokens && this.tokens < BURST_BYTES) break;
      this.head++;
      this.tokens -= next.bytes;
      this.send(next);
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  private send(q: Queued): void {
    this.inFlight++;
    this.ctx.events
      .publish(q.topic, q.data)
      .then(
        () => {
          this.stats.published++;
        },
        (err: unknown) => {
          const code = (err as { code?: string })?.code;
          if (code === 'OMEGA_ERR_PLUGIN_LIMIT' || code === 'OMEGA_ERR_RATE_LIMITED') {
            // The kernel's budget is spent after all: back to the head, retry on the next tick.
            this.queue.splice(this.head, 0, q);
            this.tokens = 0;
            return;
          }
          this.stats.failed++;
          this.ctx.log
            .warn('nodes: publish failed', { topic: q.topic, code: code ?? 'unknown' })
            .catch(() => {});
        },
      )
      .finally(() => {
        this.inFlight--;
        if (this.backlog > 0) this.schedule();
      });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    Promise.resolve().then(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /** Drops the oldest droppable event waiting; false when there is none. */
  private dropOne(): boolean {
    for (let i = this.head; i < this.queue.length; i++) {
      if (this.queue[i]!.droppable) {
        this.queue.splice(i, 1);
        this.stats.dropped++;
        return true;
      }
    }
    return false;
  }
}
