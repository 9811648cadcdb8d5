import type { PluginContext } from '@omega/sdk';

/** Stay under the kernel's per-plugin publish budget (256 KiB/s, burst 1 MiB). */
const BYTES_PER_SEC = 200_000;
const BURST = 800_000;
/** Events held while the budget is spent; past it, superseded usage batches go first. */
const MAX_QUEUE = 50_000;

interface Item {
  topic: string;
  data: unknown;
  bytes: number;
  droppable: boolean;
}

/**
 * The plugin's events go out in order through one outbox, paced under the kernel's byte budget
 * so a burst (a thousand sessions placed at once) is delivered over seconds, never refused.
 * A refusal by the budget puts the event back at the head for the next pump.
 */
export class Outbox {
  readonly stats = { published: 0, failed: 0, dropped: 0 };
  private queue: Item[] = [];
  private tokens = BURST;
  private at = Date.now();
  private sending = false;

  constructor(private readonly ctx: PluginContext) {}

  /** Queues an event (`droppable`: periodic data a newer batch supersedes). */
  publish(topic: string, data: unknown, droppable = false): void {
    if (this.queue.length >= MAX_QUEUE) {
      const i = this.queue.findIndex((q) => q.droppable);
      if (i < 0 || droppable) {
        this.stats.dropped++;
        return;
      }
      this.queue.splice(i, 1);
      this.stats.dropped++;
    }
    this.queue.push({ topic, data, bytes: topic.length + JSON.stringify(data).length + 32, droppable });
    void Promise.resolve().then(() => this.pump());
  }

  /** Sends what the budget allows, in order (also called by the plugin's tick). */
  async pump(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      const now = Date.now();
      this.tokens = Math.min(BURST, this.tokens + ((now - this.at) * BYTES_PER_SEC) / 1000);
      this.at = now;
      while (this.queue.length > 0) {
        const next = this.queue[0]!;
        if (next.bytes > this.tokens && this.tokens < BURST) break;
        this.queue.shift();
        this.tokens -= next.bytes;
        try {
          await this.ctx.events.publish(next.topic, next.data);
          this.stats.published++;
        } catch (err) {
          const code = (err as { code?: string })?.code;
          if (code === 'OMEGA_ERR_PLUGIN_LIMIT' || code === 'OMEGA_ERR_RATE_LIMITED') {
            this.queue.unshift(next);
            this.tokens = 0;
            break;
          }
          this.stats.failed++;
          this.ctx.log
            .warn('sessions: publish failed', { topic: next.topic, code: code ?? 'unknown' })
            .catch(() => {});
        }
      }
    } finally {
      this.sending = false;
    }
  }

  /** Events waiting. */
  get backlog(): number {
    return this.queue.length;
  }
}
