import { defineRouteSchemas } from '@omega/sdk';
import { z } from 'zod';
import { COMPARATORS, SEVERITIES } from '../alerts/alert-rule.js';
import { MAX_REASON } from '../alerts/silence.js';
import { AGGREGATIONS, MAX_POINTS } from '../query/range-query.js';

/*
 * The metrics API's request and response schemas, by handler. `omega-plugin build` writes them
 * as JSON Schema into dist/plugin.json; the kernel refuses a request that fails them (400
 * OMEGA_ERR_VALIDATION naming the field) before it reaches the plugin, and serves them in the
 * OpenAPI document. The handlers import this file only as a type: zod stays out of the bundle.
 * What a schema cannot say (a time that must parse, `from` after `to`, a point budget, a label
 * count) the handlers still check.
 */

/** A duration as `parseDuration` reads it: ms, or a number with ms|s|m|h|d|w. */
const DURATION = String.raw`\s*\d+(?:\.\d+)?(?:ms|s|m|h|d|w)?\s*`;
/** A time as `parseTime` reads it: epoch ms, `now`, `now-<duration>`, or an RFC 3339 time (its zone checked there). */
const TIME = new RegExp(String.raw`^\s*(?:now(?:-${DURATION})?|\d+(?:\.\d+)?|\d{4}-\d{2}-\d{2}T[^\s]*)\s*$`);
const time = (what: string) =>
  z
    .string()
    .max(64)
    .regex(TIME)
    .describe(`${what}: epoch ms, an RFC 3339 time with its zone, "now" or "now-<duration>" such as now-15m`);

const ruleId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/)
  .describe('An alert rule id: 1–64 of [a-z0-9._-], starting with a letter or digit');
const silenceId = z
  .string()
  .regex(/^sil-[a-z0-9]{1,24}$/)
  .describe('A silence id, as the list shows it (sil-…)');
const alertId = z
  .string()
  .regex(/^[0-9a-f]{16}$/)
  .describe('An alert id (16 hex digits), as GET /alerts lists it');
/** `?version=` of a delete: the version you read (a stale one is a 409). */
const versionQuery = z
  .string()
  .regex(/^\d{1,15}$/)
  .describe('The version you read; a stale one is a 409');

/** Label names are identifiers, values strings of at most 256 (at most 32 labels: the handler checks). */
const labels = z
  .record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/), z.string().max(256))
  .describe('Label name → value (at most 32)');
/** A duration in ms (a number) or as text such as 30s, 5m, 2h. */
const duration = (max?: number) =>
  z.union([
    max === undefined ? z.number().min(0) : z.number().min(0).max(max),
    z
      .string()
      .max(32)
      .regex(new RegExp(`^${DURATION}$`)),
  ]);

const severity = z.enum(SEVERITIES);
const who = z.object({ id: z.string(), name: z.string() });
const epochMs = (what: string) => z.number().describe(`${what} (epoch ms)`);

/** A rule's spec: what was asked (the stored form: `for` as `forMs`, defaults applied). */
const ruleSpec = z.object({
  series: z.string(),
  comparator: z.enum(COMPARATORS),
  threshold: z.number(),
  forMs: z.number().int().describe('How long the condition must hold before it fires, ms'),
  severity,
  labels: z.record(z.string(), z.string()),
  summary: z.string().optional(),
  webhook: z.string().optional(),
});
/** An alert pending or firing now. */
const activeAlert = z.object({
  id: alertId,
  rule: z.string(),
  series: z.string(),
  node: z.string(),
  state: z.enum(['pending', 'firing']),
  since: epochMs('When the condition started to hold'),
  firedAt: epochMs('When it fired').optional(),
  value: z.number(),
  severity,
  labels: z.record(z.string(), z.string()),
});
const ruleView = z
  .object({
    id: z.string(),
    version: z.number().int().describe('Send it back with a PUT or DELETE: a stale one is a 409'),
    spec: ruleSpec,
    status: z.object({ state: z.enum(['inactive', 'pending', 'firing']), alerts: z.array(activeAlert) }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .describe('An alert rule');
/** An active alert with its acknowledgement and the silences covering it. */
const alertView = activeAlert.extend({
  acknowledged: z.object({ by: who, reason: z.string(), at: epochMs('When') }).optional(),
  silenced: z
    .object({
      until: epochMs('When the last covering silence ends'),
      silences: z.array(z.object({ id: z.string(), reason: z.string(), by: who, until: z.number() })),
    })
    .optional(),
});
const silenceView = z
  .object({
    id: z.string(),
    version: z.number().int(),
    spec: z.object({
      rule: z.string().optional(),
      labels: z.record(z.string(), z.string()).optional(),
      reason: z.string(),
      startsAt: epochMs('Start'),
      endsAt: epochMs('End (moved to the expiry time when expired early)'),
    }),
    status: z.object({ state: z.enum(['active', 'expired']), expiredBy: who.optional() }),
    createdBy: who,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .describe('A silence');
/** A firing/resolved transition as the history keeps it (`id` the entry's, `alert` the alert's). */
const historyEntry = z.looseObject({
  id: z.string().describe('The entry id: the cursor to page back from'),
  alert: alertId.optional(),
  state: z.enum(['firing', 'resolved']),
  rule: z.string(),
  series: z.string(),
  node: z.string(),
  labels: z.record(z.string(), z.string()),
  severity,
  comparator: z.enum(COMPARATORS),
  threshold: z.number(),
  value: z.number().nullable(),
  summary: z.string().optional(),
  startsAt: z.number(),
  endsAt: z.number().optional(),
  at: z.number(),
  silencedBy: z.array(z.string()).optional(),
});
/** A series' identity, unit and help. */
const seriesMeta = {
  id: z.string().describe('The series id: name{label="value",…}'),
  name: z.string(),
  node: z.string(),
  labels: z.record(z.string(), z.string()),
  unit: z.string(),
  help: z.string(),
};
/** A rule's body (POST and PUT): the spec, `for` as a duration. Unknown fields are ignored. */
const ruleBody = {
  series: z.string().max(512).describe('A series selector such as cpu.busy{cpu="total"}'),
  comparator: z.enum(COMPARATORS),
  threshold: z.number(),
  for: duration(86_400_000)
    .optional()
    .describe('How long the condition must hold before it fires: ms or a duration such as 5m (at most 1d)'),
  severity: severity.optional().describe('Default warning'),
  labels: labels.optional(),
  summary: z.string().max(500).optional(),
  webhook: z
    .string()
    .max(2048)
    .regex(/^https?:\/\/[^\s]+$/)
    .optional()
    .describe('Where firing/resolved notifications are POSTed (needs the matching net:fetch grant)'),
};
const reason = z
  .string()
  .max(MAX_REASON)
  .regex(/\S/)
  .describe(`Why, in 1–${MAX_REASON} characters (trimmed)`);

/** The schemas of every route of plugin.json, by handler. */
export const routeSchemas = defineRouteSchemas({
  latest: {
    query: z.object({ node: z.string().max(256).optional().describe('Only this node id') }),
    responses: {
      200: z.object({
        nodes: z.array(
          z.looseObject({
            node: z.string(),
            id: z.string().optional().describe("A remote node's registry id"),
            at: epochMs('When it was collected'),
            values: z
              .record(z.string(), z.number().nullable())
              .describe('Series id → value at `at` (null: not a number)'),
            data: z.looseObject({}).optional().describe("This host's raw collection, by area"),
            load: z.looseObject({}).optional().describe("A remote node's load, as its agent reported it"),
          }),
        ),
      }),
    },
  },
  series: {
    query: z.object({
      node: z.string().max(256).optional().describe('Only series of this node'),
      name: z.string().max(256).optional().describe('Only series of this name'),
      session: z.string().max(256).optional().describe("Only this compute session's series"),
      limit: z.coerce.number().int().min(1).max(5_000).optional().describe('Items per page (default 1000)'),
      cursor: z
        .string()
        .regex(/^[0-9a-z]{1,10}$/)
        .optional()
        .describe('The nextCursor of the previous page'),
    }),
    responses: {
      200: z.object({
        items: z.array(
          z.object({
            ...seriesMeta,
            lastAt: z.number().nullable().describe('Newest sample (epoch ms), null before the first'),
            lastValue: z.number().nullable(),
            prom: z
              .object({
                name: z.string(),
                labels: z
                  .record(z.string(), z.string())
                  .optional()
                  .describe("Only where they differ from the series' labels (without node)"),
              })
              .optional()
              .describe(
                "The collector's series only: its name in GET /api/v1/metrics/prometheus (as metrics.sample's `prom` table sends it)",
              ),
          }),
        ),
        nodes: z.array(z.string()),
        collector: z.looseObject({}).describe("The collector's counters"),
        nextCursor: z.string().optional(),
      }),
    },
  },
  query: {
    query: z.object({
      series: z
        .string()
        .min(1)
        .max(1024)
        .describe('A series id or selector such as cpu.busy{cpu="total"} (at most 100 series match)'),
      node: z.string().max(256).optional().describe('Adds node="…" to the selector'),
      from: time('Start (default an hour before `to`)').optional(),
      to: time('End (default now)').optional(),
      step: z
        .string()
        .max(32)
        .regex(new RegExp(`^${DURATION}$`))
        .optional()
        .describe('Point spacing: ms or a duration such as 1s, 5m (raised to the tier resolution)'),
      points: z.coerce
        .number()
        .int()
        .min(2)
        .max(MAX_POINTS)
        .optional()
        .describe("Instead of step: at most this many points (a chart's width in pixels)"),
      agg: z
        .enum(AGGREGATIONS)
        .optional()
        .describe('Bucket aggregation (default avg); minmax: [t, avg, min, max]'),
    }),
    responses: {
      200: z.object({
        tier: z.string().optional().describe('The history tier answering (absent when no series matched)'),
        step: z.number().describe('The step used, ms'),
        from: z.number(),
        to: z.number(),
        agg: z.enum(AGGREGATIONS),
        approximate: z.boolean().optional(),
        columns: z.array(z.string()).optional().describe('minmax: the meaning of each point slot'),
        results: z.array(
          z.object({
            ...seriesMeta,
            points: z
              .array(z.array(z.number().nullable()).min(2).max(4))
              .describe('[t, value] (minmax: [t, avg, min, max]); null where no data'),
          }),
        ),
      }),
    },
  },
  prometheus: {
    responses: {
      200: z
        .string()
        .describe('Prometheus text exposition 0.0.4, node_exporter names')
        // Not JSON: the kernel documents the response under this media type.
        .meta({ contentMediaType: 'text/plain; version=0.0.4' }),
    },
  },
  activeAlerts: { responses: { 200: z.object({ items: z.array(alertView) }) } },
  alertHistory: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(1_000).optional().describe('Items per page (default 100)'),
      cursor: z
        .string()
        .regex(/^\d{15}-\d{6}$/)
        .optional()
        .describe('The nextCursor of the previous page'),
    }),
    responses: { 200: z.object({ items: z.array(historyEntry), nextCursor: z.string().optional() }) },
  },
  ackAlert: {
    params: z.object({ id: alertId }),
    body: z.object({ reason }),
    responses: { 200: alertView },
  },
  listSilences: {
    query: z.object({ state: z.enum(['active', 'expired']).optional() }),
    responses: { 200: z.object({ items: z.array(silenceView) }) },
  },
  createSilence: {
    body: z
      .object({
        rule: ruleId.optional().describe('The id of a rule: its alerts are silenced'),
        labels: labels.optional().describe('Silence the alerts carrying all these labels'),
        reason,
        for: duration().optional().describe('How long: ms or a duration such as 2h (at most 30 days)'),
        until: z
          .union([z.number(), z.string().max(64)])
          .optional()
          .describe('Instead of for: the end, epoch ms or an RFC 3339 time with its zone'),
      })
      .describe('A rule, labels or both; for or until'),
    responses: { 201: silenceView },
  },
  getSilence: { params: z.object({ id: silenceId }), responses: { 200: silenceView } },
  expireSilence: {
    params: z.object({ id: silenceId }),
    query: z.object({ version: versionQuery.optional() }),
    responses: { 200: silenceView },
  },
  listRules: { responses: { 200: z.object({ items: z.array(ruleView) }) } },
  createRule: {
    body: z.object({ id: ruleId.optional().describe('Default: a fresh time-ordered id'), ...ruleBody }),
    responses: { 201: ruleView },
  },
  getRule: { params: z.object({ id: ruleId }), responses: { 200: ruleView } },
  updateRule: {
    params: z.object({ id: ruleId }),
    body: z.object({
      ...ruleBody,
      version: z
        .union([z.number().int().min(0), z.string().regex(/^\d{1,15}$/)])
        .optional()
        .describe('The version you read; a stale one is a 409'),
    }),
    responses: {
      200: ruleView.describe('The rule, replaced'),
      201: ruleView.describe('The rule, created'),
    },
  },
  deleteRule: {
    params: z.object({ id: ruleId }),
    query: z.object({ version: versionQuery.optional() }),
    responses: { 204: z.null().describe('Deleted; its firing alerts resolved') },
  },
});
