import { z } from 'zod';
import { RESOURCES_TOPICS } from './event-topics.js';

/*
 * The payload of every topic the resources plugin publishes, for docs/events.md (`npm run gen`)
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

const LINK_STATUSES = ['ok', 'degraded', 'bad', 'unreachable', 'stale'] as const;
const GRADES = ['good', 'degraded', 'bad', 'unreachable', 'unknown'] as const;

const problem = z.looseObject({
  kind: z
    .string()
    .describe('e.g. `throttling`, `hot`, `md-degraded`, `fs-full`, `disk-busy` (docs/resources.md)'),
  subject: z.string().describe('What it is about: a mount, a device, an array, `cpu`, a GPU index'),
  severity: z.enum(['info', 'warning', 'critical']),
  message: z.string(),
  since: z.string().describe('ISO time'),
  node: z.string().describe("The node's id"),
  name: z.string().describe("The node's name"),
});
const updated = z.looseObject({
  at: z.number().describe('Epoch ms'),
  nodes: z.array(z.string()).describe('Ids of the nodes whose data changed since the last one'),
});

/** The resources plugin's topics. */
export const eventSchemas: readonly EventTopicSpec[] = [
  {
    topic: RESOURCES_TOPICS.updated,
    description: 'Nodes whose resources (GET /api/v1/resources/nodes/:node) changed since the last one.',
    schema: updated,
  },
  {
    topic: 'resources.problem.*',
    variants: ['raised', 'cleared'],
    description:
      'A node problem (throttling, heat, a degraded array, a filling disk, …) appeared or went away.',
    schema: problem,
  },
  {
    topic: RESOURCES_TOPICS.series,
    description: 'Samples from the agents for the metrics plugin, per node (keyed by node name).',
    schema: z.looseObject({
      at: z.number(),
      nodes: z.array(
        z.looseObject({
          node: z.string(),
          samples: z
            .array(z.tuple([z.string(), z.record(z.string(), z.string()), z.number()]))
            .describe('[name, labels, value]'),
        }),
      ),
    }),
  },
  {
    topic: RESOURCES_TOPICS.networkUpdated,
    description: 'Nodes whose network data (interfaces, probes) changed since the last one.',
    schema: updated,
  },
  {
    topic: RESOURCES_TOPICS.linkChanged,
    description: 'A measured link between two nodes (or the kernel) changed status.',
    schema: z.looseObject({
      from: z.string(),
      to: z.string(),
      status: z.enum(LINK_STATUSES),
      previous: z.enum(LINK_STATUSES).optional(),
      reason: z.string(),
    }),
  },
  {
    topic: RESOURCES_TOPICS.nodeQuality,
    description: "A node's network quality grade changed.",
    schema: z.looseObject({
      node: z.string(),
      name: z.string(),
      grade: z.enum(GRADES),
      previous: z.enum(GRADES).optional(),
      reason: z.string(),
    }),
  },
];
