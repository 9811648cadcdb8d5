import { z } from 'zod';
import { NODE_CHANGES, NODE_STATES } from './contract.js';
import { NODES_TOPICS } from './event-topics.js';

/*
 * The payload of every topic the nodes plugin publishes, for docs/events.md (`npm run gen`)
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

const state = z.enum(NODE_STATES as [string, ...string[]]);
const hold = z.looseObject({
  by: z.string(),
  reason: z.string(),
  at: z.string().describe('ISO time'),
  deadline: z.string().optional().describe('ISO time'),
});
const opt = z.number().optional();
const load = z
  .looseObject({
    cpu: opt,
    load1: opt,
    load5: opt,
    load15: opt,
    memUsed: opt,
    memTotal: opt,
    swapUsed: opt,
    diskReadBps: opt,
    diskWriteBps: opt,
    diskBusy: opt,
    netRxBps: opt,
    netTxBps: opt,
    tempMax: opt,
    gpus: z
      .array(z.looseObject({ index: z.number().int(), util: opt, memUsed: opt, memTotal: opt, temp: opt }))
      .optional(),
  })
  .describe('As the heartbeat said; an absent field was not measured there (never 0)');

/** The nodes plugin's topics. */
export const eventSchemas: readonly EventTopicSpec[] = [
  {
    topic: 'nodes.node.*',
    variants: NODE_CHANGES,
    description: 'A node joined, changed state, was held or released, relabelled or removed (docs/nodes.md).',
    schema: z.looseObject({
      id: z.string(),
      name: z.string(),
      state,
      reason: z.string(),
      since: z.string().describe('ISO time'),
      previous: state.optional().describe('The state before, on state changes'),
      hold: hold.optional().describe("cordoned / draining: the operator's hold; uncordoned: who ended it"),
      labels: z.record(z.string(), z.string()).optional().describe("labels: the node's labels now"),
    }),
  },
  {
    topic: NODES_TOPICS.load,
    description:
      'The newest load of the nodes that heartbeated since the last batch, for the metrics plugin (≤ 64 KiB each). A batch every loadPublishMs, or longer for a fleet whose loads would take over 115 KB/s (half the publish budget; ~20 s at 10,000 nodes); figures rounded to what a chart shows (ratios 0.001, load averages 0.01, °C 0.1, bytes whole).',
    schema: z.looseObject({
      at: z.number().describe('Epoch ms, kernel clock'),
      nodes: z.array(z.looseObject({ id: z.string(), name: z.string(), load })),
    }),
  },
  {
    topic: NODES_TOPICS.agentReport,
    description:
      "Something a node's agent reported (its own topic and data), for the plugins that read agents.",
    schema: z.looseObject({ node: z.string(), topic: z.string(), data: z.unknown() }),
  },
  {
    topic: 'audit.nodes.**',
    description: 'A node change for the audit trail (the security plugin appends it as `nodes.<action>`).',
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
