import { defineRouteSchemas } from '@omega/sdk';
import { optionalBody } from '@omega/sdk/route-schemas';
import { z } from 'zod';
import { SESSION_STATES } from '../contract.js';
import { MAX_GRACE_MS, SETTING_RANGES } from '../settings/sessions-settings.js';
import { MAX_LOG_WINDOW, MAX_WAIT_SEC } from './logs-routes.js';
import { MAX_PLAN_COPIES } from './plan-sessions-route.js';
import { DURATION_PATTERN, intOrText, sessionSpecBody, sizeField } from './schemas/session-spec-schema.js';
import {
  allocationView,
  logsView,
  myQuotaView,
  planView,
  quotaView,
  sessionView,
  settingsView,
  usageView,
} from './schemas/session-view-schema.js';

/*
 * The sessions API's request and response schemas, by handler. `omega-plugin build` writes them as
 * JSON Schema into dist/plugin.json; the kernel refuses a request that fails them (400 naming each
 * field) before it reaches the plugin, and serves them in the OpenAPI document. The handlers import
 * this file only as a type: zod stays out of the plugin bundle. The handlers keep the checks a
 * schema cannot express (docs/sessions.md).
 */

/** An optional integer query parameter (its value is a string on the wire). */
const intQuery = (min: number, max: number, description: string) =>
  z.coerce.number().int().min(min).max(max).describe(description).optional();
const sessionId = z.object({ id: z.string().describe('The session id (s-…)') });
const stream = z.enum(['stdout', 'stderr']).describe('Which output stream (default stdout)').optional();
const flag = (description: string) => z.enum(['true', 'false']).describe(description).optional();
const states = SESSION_STATES.join('|');
/** The body of a route that takes none: absent, null or `{}`. */
const noOptions = (what: string) => optionalBody(z.strictObject({}), what);
const controlled = { 200: sessionView, 202: sessionView.describe('Asked: the node has not confirmed yet') };
const quotaTarget = z.object({
  scope: z.enum(['user', 'role']).describe('user or role'),
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/)
    .describe('The user id or role name'),
});
const msOrDuration = ([min, max]: readonly [number, number], what: string, examples = '10m, 7d') =>
  intOrText(
    min,
    max,
    DURATION_PATTERN,
    `${what}: ms (an integer, ${min}–${max}) or a duration such as ${examples}`,
  ).optional();

/** The schemas of every route of plugin.json, by handler. */
export const routeSchemas = defineRouteSchemas({
  createSession: {
    body: sessionSpecBody,
    responses: { 201: sessionView.describe('Recorded: its status says where it starts or why it waits') },
  },
  planSessions: {
    body: z.strictObject({
      spec: sessionSpecBody.describe('A session spec, as POST /sessions takes it'),
      count: z.number().int().min(1).max(MAX_PLAN_COPIES).describe('Copies to plan (default 1)').optional(),
    }),
    responses: { 200: planView },
  },
  listSessions: {
    query: z.object({
      state: z
        .string()
        .regex(new RegExp(`^(\\s*(${states})\\s*(,\\s*(${states})\\s*)*)?$`))
        .describe(`Comma-separated states: ${SESSION_STATES.join(', ')}`)
        .optional(),
      owner: z
        .string()
        .describe("An owner's user id (with sessions-all:read; others see their own)")
        .optional(),
      node: z.string().describe("A node's id or name").optional(),
      gpu: z
        .string()
        .max(64)
        .describe('true (uses GPUs), false (uses none), a GPU index on its node, or a GPU model (substring)')
        .optional(),
      limit: intQuery(1, 500, 'Items per page (default 100)'),
      cursor: z
        .string()
        .regex(/^[0-9a-z]{1,12}\.s-[A-Za-z0-9_-]{1,40}$/)
        .describe('The nextCursor of the previous page')
        .optional(),
    }),
    responses: { 200: z.object({ items: z.array(sessionView), nextCursor: z.string().optional() }) },
  },
  listQuotas: { responses: { 200: z.object({ items: z.array(quotaView) }) } },
  myQuota: { responses: { 200: myQuotaView } },
  getQuota: { params: quotaTarget, responses: { 200: quotaView } },
  putQuota: {
    params: quotaTarget,
    body: z.strictObject({
      limits: z
        .strictObject({
          cores: z
            .number()
            .min(0)
            .max(1e7)
            .describe('Cores (fractions allowed: millicores count)')
            .optional(),
          memory: sizeField(0, Number.MAX_SAFE_INTEGER, 'Memory: bytes or a size such as 64G').optional(),
          gpus: z.number().int().min(0).max(1e7).optional(),
          sessions: z.number().int().min(0).max(1e7).describe('Sessions not yet ended').optional(),
        })
        .describe('An absent field is not limited by this quota'),
      version: z
        .number()
        .int()
        .min(0)
        .describe('The version you read (0: none yet); a stale one is a 409')
        .optional(),
    }),
    responses: { 200: quotaView.describe('Replaced'), 201: quotaView.describe('Created') },
  },
  deleteQuota: { params: quotaTarget, responses: { 204: z.null().describe('Removed') } },
  allocation: { responses: { 200: allocationView } },
  slurmClusters: {
    responses: {
      200: z.object({
        hosts: z.array(
          z
            .looseObject({ node: z.string(), name: z.string(), reportedAt: z.string() })
            .describe("A submit host and its agent's last slurm.nodes report (partitions, nodes)"),
        ),
      }),
    },
  },
  getSettings: { responses: { 200: settingsView } },
  patchSettings: {
    body: z.strictObject({
      placement: z.enum(['binpack', 'spread']).describe('Placement of sessions that do not say').optional(),
      leftLostAfterMs: msOrDuration(
        SETTING_RANGES.leftLostAfterMs,
        'A node gone this long has its sessions lost',
      ),
      retentionMs: msOrDuration(SETTING_RANGES.retentionMs, 'Ended sessions are forgotten after'),
      defaultGraceMs: msOrDuration(
        SETTING_RANGES.defaultGraceMs,
        'SIGTERM → SIGKILL grace of a terminate',
        '30s, 5m',
      ),
      version: z.number().int().min(0).describe('The version you read; a stale one is a 409').optional(),
    }),
    responses: { 200: settingsView },
  },
  getSession: { params: sessionId, responses: { 200: sessionView } },
  pauseSession: { params: sessionId, body: noOptions('Pause takes no options.'), responses: controlled },
  resumeSession: { params: sessionId, body: noOptions('Resume takes no options.'), responses: controlled },
  terminateSession: {
    params: sessionId,
    body: optionalBody(
      z.strictObject({
        reason: z.string().max(512).describe('Why, for the record').optional(),
        graceMs: z
          .number()
          .int()
          .min(0)
          .max(MAX_GRACE_MS)
          .describe('SIGTERM → SIGKILL grace (default: the setting)')
          .optional(),
      }),
      'Why, and the grace before the kill.',
    ),
    responses: controlled,
  },
  sessionLogs: {
    params: sessionId,
    query: z.object({
      stream,
      offset: intQuery(0, Number.MAX_SAFE_INTEGER, 'Byte offset to read from (default 0)'),
      limit: intQuery(1, MAX_LOG_WINDOW, 'Most bytes to return (default 65536)'),
      wait: intQuery(0, MAX_WAIT_SEC, 'Seconds to wait for new output (long poll; default 0)'),
    }),
    responses: { 200: logsView },
  },
  searchSessionLogs: {
    params: sessionId,
    query: z.object({
      stream,
      pattern: z.string().min(1).max(1024).describe('Text (or a regex with regex=true) to find'),
      regex: flag('Read pattern as a regular expression (default false)'),
      fromOffset: intQuery(0, Number.MAX_SAFE_INTEGER, 'Byte offset to search from (default 0)'),
      maxMatches: intQuery(1, 1000, 'Most matches to return (default 100)'),
    }),
    responses: {
      200: z.looseObject({
        matches: z.array(
          z.looseObject({
            offset: z.number().int(),
            line: z.string().describe('The line, base64'),
            lineTruncated: z.boolean(),
          }),
        ),
      }),
    },
  },
  sessionUsage: {
    params: sessionId,
    query: z.object({ fresh: flag('Ask the node for a fresh sample (default false)') }),
    responses: { 200: usageView },
  },
});
