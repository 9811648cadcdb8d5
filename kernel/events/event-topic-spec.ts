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
}
