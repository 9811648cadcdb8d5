import { z } from 'zod';
import { SESSION_STATES, USAGE_FIELDS } from './contract.js';
import { SESSIONS_TOPICS } from './event-topics.js';

/*
 * The payload of every topic the sessions plugin publishes, for docs/events.md (`npm run gen`)
 * and tests/events/event-catalogue.test.ts. Imported by the build-time tools and the tests
 * only: zod stays out of the plugin bundle (the publishers use ./event-topics.ts).
 */

/** One entry (the same shape as the kernel's EventTopicSpec; a plugin does not import the kernel). */
interface EventTopicSpec {
  topic: string;
  variants?: readonly string[];
  description: string;
  schema: z.ZodType;
}

const state = z.enum(SESSION_STATES as [string, ...string[]]);
const counter = z.number().nullable();
const fields = USAGE_FIELDS.map((f) => z.literal(f));

/** The sessions plugin's topics. */
export const eventSchemas: readonly EventTopicSpec[] = [
  {
    topic: 'sessions.session.*',
    variants: SESSION_STATES,
    description:
      'A compute session changed state (the last segment is the new state; docs/sessions.md lists the reasons).',
    schema: z.looseObject({
      id: z.string(),
      name: z.string(),
      owner: z.string().describe("The owner's user id"),
      state,
      reason: z.string(),
      since: z.string().describe('ISO time'),
      previous: state.optional(),
      node: z.string().optional().describe('The node it was placed on (its name)'),
      exit: z
        .looseObject({
          code: z.number().int().nullable(),
          signal: z.string().nullable(),
          coreDumped: z.boolean(),
        })
        .optional()
        .describe('How the main process ended'),
    }),
  },
  {
    topic: SESSIONS_TOPICS.usage,
    description:
      'Live usage of the running sessions that reported since the last batch, as rows in `fields` order (≤ 60 KB each), for the metrics plugin.',
    schema: z.looseObject({
      at: z.number().describe('Epoch ms'),
      fields: z.tuple(fields as [(typeof fields)[number], ...typeof fields]).describe('The columns of a row'),
      rows: z.array(
        z
          .tuple([z.string(), z.string(), z.string()])
          .rest(counter)
          .describe('session, node, owner, then cumulative counters (null: the node has no such counter)'),
      ),
    }),
  },
  {
    topic: 'audit.sessions.**',
    description:
      'A session or quota change for the audit trail (the security plugin appends it as `sessions.<action>`).',
    schema: z.looseObject({
      actor: z.string(),
      action: z.string(),
      outcome: z.enum(['success', 'failure', 'denied']),
      target: z.string(),
      source: z.string().optional(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  },
];
