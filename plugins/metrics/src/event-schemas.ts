import { z } from 'zod';
import { COMPARATORS, SEVERITIES } from './alerts/alert-rule.js';
import { METRICS_TOPICS } from './event-topics.js';

/*
 * The payload of every topic the metrics plugin publishes, for docs/events.md (`npm run gen`)
 * and tests/events/event-catalogue.test.ts. Imported by the build-time tools and the tests
 * only: zod stays out of the plugin bundle (the publishers use ./event-topics.ts).
 */

/** One entry (the same shape as the kernel's EventTopicSpec; a plugin does not import the kernel). */
interface EventTopicSpec {
  topic: string;
  variants?: readonly string[];
  description: string;
  schema: z.ZodType;
  replay?: 'durable' | 'memory';
}

const labels = z.record(z.string(), z.string());
const who = z.looseObject({ id: z.string(), name: z.string() });

const promName = z
  .looseObject({
    name: z.string().describe('e.g. `omega_cpu_busy_ratio`, `node_memory_MemAvailable_bytes`'),
    labels: labels
      .optional()
      .describe(
        "Only where they differ from the series' labels; without `node`, which every exposed sample carries",
      ),
  })
  .describe(
    'The same figure in GET /api/v1/metrics/prometheus: node_exporter name where node_exporter has it, omega_* otherwise',
  );

const alert = z.looseObject({
  id: z.string(),
  state: z.enum(['firing', 'resolved']),
  rule: z.string(),
  series: z.string(),
  node: z.string(),
  labels: labels.describe("The series' labels plus the rule's"),
  severity: z.enum(SEVERITIES),
  comparator: z.enum(COMPARATORS),
  threshold: z.number(),
  value: z
    .number()
    .nullable()
    .describe('The value that fired it, or the last seen when resolved (null: series gone)'),
  summary: z.string().optional(),
  startsAt: z.number().describe('Epoch ms the condition started to hold'),
  endsAt: z.number().optional().describe('Epoch ms it stopped (resolved only)'),
  at: z.number(),
  silencedBy: z.array(z.string()).optional().describe('The silences in force; no webhook was called'),
});

const silence = z.looseObject({
  id: z.string(),
  version: z.number().int(),
  spec: z.looseObject({
    rule: z.string().optional(),
    labels: labels.optional(),
    reason: z.string(),
    startsAt: z.number(),
    endsAt: z.number(),
  }),
  status: z.looseObject({ state: z.enum(['active', 'expired']), expiredBy: who.optional() }),
  createdBy: who,
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** Data of `audit.<plugin>.<action>` (shared by the plugins that audit through the security plugin). */
const auditRecord = z.looseObject({
  actor: z.string(),
  action: z.string(),
  outcome: z.enum(['success', 'failure', 'denied']),
  target: z.string(),
  source: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});

/** The metrics plugin's topics. */
export const eventSchemas: readonly EventTopicSpec[] = [
  {
    topic: METRICS_TOPICS.sample,
    description:
      'Every series of `node` collected at `at`, once a second: `values`, each value once by series id (the id GET /api/v1/metrics/series, /latest and /query use: `name{node="…",label="…"}`, `node` first, the other labels sorted). `prom`, the exposition\'s name of each series, comes with the first sample and then only for series new or renamed (GET /api/v1/metrics/series lists it for every series). Replayed from the running kernel\'s memory only, never written to the event log: history is GET /api/v1/metrics/query.',
    replay: 'memory',
    schema: z.looseObject({
      node: z.string(),
      at: z.number().describe('Epoch ms'),
      values: z.record(z.string(), z.number()).describe('By series id, `name{label="value",…}`'),
      prom: z
        .record(z.string(), promName)
        .optional()
        .describe(
          'By series id: its name and labels in the Prometheus exposition. Every series on the first sample, then only those new or renamed since (merge them); a subscriber that joined later reads GET /api/v1/metrics/series',
        ),
    }),
  },
  {
    topic: METRICS_TOPICS.topology,
    description: "The host's CPU/NUMA topology changed.",
    schema: z.looseObject({
      node: z.string(),
      at: z.number(),
      topology: z.looseObject({
        hostname: z.string(),
        sockets: z.number().int(),
        physicalCores: z.number().int(),
        logicalCores: z.number().int(),
        cpus: z.array(z.looseObject({})),
        numaNodes: z.array(z.looseObject({})),
      }),
    }),
  },
  {
    topic: 'metrics.alert.*',
    variants: ['firing', 'resolved'],
    description: 'An alert began firing, or resolved (docs/metrics.md).',
    schema: alert,
  },
  {
    topic: METRICS_TOPICS.acknowledged,
    description: 'Someone acknowledged a pending or firing alert.',
    schema: z.looseObject({
      id: z.string(),
      rule: z.string(),
      series: z.string(),
      node: z.string(),
      state: z.string(),
      acknowledged: z.looseObject({ by: who, reason: z.string(), at: z.number() }),
    }),
  },
  {
    topic: METRICS_TOPICS.silenceCreated,
    description: 'A silence was created (the silence as GET /api/v1/metrics/silences/:id shows it).',
    schema: silence,
  },
  {
    topic: METRICS_TOPICS.silenceExpired,
    description: 'A silence was expired early (`early: true`) or ran out.',
    schema: silence.extend({ early: z.boolean() }),
  },
  {
    topic: 'audit.metrics.**',
    description:
      'An acknowledgement or silence change for the audit trail (the security plugin appends it as `metrics.<action>`).',
    schema: auditRecord,
  },
];
