import type { z } from 'zod';

/**
 * One entry of an event catalogue: a topic (or a pattern, where a segment varies), what it
 * announces, and its payload's schema. The kernel's catalogue and each core plugin's
 * `src/event-schemas.ts` are lists of these; `npm run gen` writes them into docs/events.md
 * and tests/events/event-catalogue.test.ts holds what a running Omega publishes to them.
 */
export interface EventTopicSpec {
  /** The topic, or a pattern (`*`: one segment, `**`: the rest) when a segment varies. */
  topic: string;
  /** The values the pattern's `*` segment takes, when they are a closed set. */
  variants?: readonly string[];
  /** One line: when it is published and what it says. */
  description: string;
  /** The payload (`data` of the event frame). */
  schema: z.ZodType;
  /**
   * `memory`: replayed from the running kernel's memory only, never written to the event log
   * (a high-rate topic whose next event replaces the last; kernel/events/memory-replay-topics.ts
   * lists them). Absent: `durable`, kept on disk across restarts.
   */
  replay?: 'durable' | 'memory';
}
