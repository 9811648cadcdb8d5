import { defineRouteSchemas } from '@omega/sdk';
import { z } from 'zod';
import { SECTIONS } from '../detail/detail-fetcher.js';
import { PROBE_RANGES, type Range, THRESHOLD_RANGES } from '../settings/settings.js';

/*
 * The resources API's request and response schemas, by handler. `omega-plugin build` writes
 * them as JSON Schema into dist/plugin.json; the kernel rejects a request that fails them
 * before it reaches the plugin and serves them in the OpenAPI document. The handlers import
 * this file only as a type: zod stays out of the plugin bundle.
 */

/** `a,b,c` of known values (the handlers split and check it again). */
const listOf = (known: readonly string[], what: string) =>
  z
    .string()
    .regex(new RegExp(`^((${known.join('|')})(,(${known.join('|')}))*)?$`))
    .describe(`Comma-separated ${what}: ${known.join(', ')}`);

const SEVERITIES = ['critical', 'warning', 'info'] as const;
const GRADES = ['good', 'degraded', 'bad', 'unreachable', 'unknown'] as const;

const text = z.string().max(256).describe('Case-insensitive text matched against node names and ids');
const limit = z.coerce.number().int().min(1).max(1000).describe('Items per page (default 100)');
const cursor = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,63}~[A-Za-z0-9._-]{1,128}$/)
  .describe('The nextCursor of the previous page');
const nodeParams = z.object({ node: z.string().min(1).max(128).describe("A node's id or name") });

const numberIn = ([min, max, integer]: Range) => (integer ? z.number().int() : z.number()).min(min).max(max);
const patchOf = (ranges: Record<string, Range>) =>
  Object.fromEntries(Object.entries(ranges).map(([k, r]) => [k, numberIn(r).optional()]));
const probePatch = z.strictObject({ enabled: z.boolean().optional(), ...patchOf(PROBE_RANGES) });
const thresholdsPatch = z.strictObject(patchOf(THRESHOLD_RANGES));

const severity = z.enum(SEVERITIES);
const problem = z.looseObject({
  kind: z.string(),
  subject: z.string(),
  severity,
  message: z.string(),
  since: z.string().describe('ISO time'),
});
const absent = z.object({ available: z.literal(false), reason: z.string() });
const nodeResources = z.looseObject({
  id: z.string(),
  name: z.string(),
  state: z.string(),
  connected: z.boolean(),
  reportedAt: z.string().optional(),
  summary: z.union([absent, z.looseObject({ v: z.literal(1) })]),
  problems: z.array(problem),
});
const settingsView = z.looseObject({
  probe: z.looseObject({ enabled: z.boolean() }),
  thresholds: z.looseObject({}),
  version: z.number().int().describe('Send it back with a PUT: a stale one is a 409'),
  updatedAt: z.string().optional(),
  updatedBy: z.string().optional(),
  stats: z.looseObject({}),
});
const nodeNetwork = z.looseObject({
  id: z.string(),
  name: z.string(),
  state: z.string(),
  interfaces: z.looseObject({}),
  quality: z.looseObject({ grade: z.string() }),
  probe: z.looseObject({}),
});
const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().optional() });

/** The schemas of every route of plugin.json, by handler. */
export const routeSchemas = defineRouteSchemas({
  listResources: {
    query: z.object({
      q: text.optional(),
      problems: listOf(SEVERITIES, 'severities a node must have a problem of').optional(),
      limit: limit.optional(),
      cursor: cursor.optional(),
    }),
    responses: {
      200: page(nodeResources).extend({ cluster: z.looseObject({ nodes: z.number().int() }) }),
    },
  },
  listProblems: {
    query: z.object({ severity: listOf(SEVERITIES, 'severities').optional() }),
    responses: { 200: z.object({ items: z.array(problem.extend({ node: z.string(), name: z.string() })) }) },
  },
  getSettings: { responses: { 200: settingsView } },
  putSettings: {
    body: z.strictObject({
      probe: probePatch.optional(),
      thresholds: thresholdsPatch.optional(),
      version: z.number().int().optional().describe('The version you read; a stale one is a 409'),
    }),
    responses: { 200: settingsView },
  },
  getNodeResources: { params: nodeParams, responses: { 200: nodeResources } },
  getNodeDetail: {
    params: nodeParams,
    query: z.object({ sections: listOf(SECTIONS, 'sections to read').optional() }),
    responses: {
      200: z.looseObject({
        node: z.string(),
        name: z.string(),
        at: z.string(),
        stale: z.unknown().optional(),
        detail: z.looseObject({}),
      }),
    },
  },
  listNetwork: {
    query: z.object({
      q: text.optional(),
      grade: listOf(GRADES, 'connection grades').optional(),
      limit: limit.optional(),
      cursor: cursor.optional(),
    }),
    responses: { 200: page(nodeNetwork) },
  },
  getTopology: { responses: { 200: z.looseObject({}).describe('Nodes × interfaces × subnets as a graph') } },
  getLatency: {
    query: z.object({
      nodes: z
        .string()
        .max(65_536)
        .describe('Comma-separated node ids or names (rows and columns)')
        .optional(),
    }),
    responses: { 200: z.looseObject({}).describe('The latency matrix') },
  },
  listQuality: {
    query: z.object({ grade: listOf(GRADES, 'connection grades').optional() }),
    responses: {
      200: z.object({
        items: z.array(z.looseObject({ node: z.string(), name: z.string(), grade: z.enum(GRADES) })),
      }),
    },
  },
  getNodeNetwork: {
    params: nodeParams,
    responses: {
      200: nodeNetwork.extend({
        measured: z.array(z.looseObject({})),
        measuredBy: z.array(z.looseObject({})),
      }),
    },
  },
});
