import { defineRouteSchemas } from '@omega/sdk';
import { z } from 'zod';
import type { NODE_STATES } from '../contract.js';
import { SETTING_RANGES } from '../liveness/liveness-settings.js';

/*
 * The nodes API's request and response schemas, by handler. `omega-plugin build` writes them as
 * JSON Schema into dist/plugin.json; the kernel refuses a request that fails them (400
 * OMEGA_ERR_VALIDATION naming the field) before it reaches the plugin, and serves them in the
 * OpenAPI document. The handlers import this file only as a type: zod stays out of the bundle.
 * What a schema cannot say (at most 64 labels, a deadline in the future, downAfterMs above
 * suspectAfterMs, a selector's grammar, a cursor this API made) the handlers still check.
 */

/** The states a list filters on: the node states, plus the operator's holds (as node-read-routes). */
const LIST_STATES = ['ready', 'suspect', 'down', 'left', 'schedulable', 'cordoned', 'draining'] as const;
const TOKEN_STATES = ['active', 'expired', 'used-up', 'revoked'] as const;
const NODE_STATE = z.enum(['ready', 'suspect', 'down', 'left'] satisfies typeof NODE_STATES);

/** Label keys and values as registry/labels.ts checks them (`[prefix/]name`, Kubernetes-like). */
const LABEL_KEY = z
  .string()
  .max(317)
  .regex(/^(?:[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?\/)?[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/);
const LABEL_VALUE = z.string().regex(/^(?:[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$/);
const labels = z
  .record(LABEL_KEY, LABEL_VALUE)
  .describe('Label key ([prefix/]name) → value (≤ 63 of letters, digits, . _ -); at most 64');

const nodeRef = z.object({ id: z.string().min(1).max(256).describe("A node's id or its unique name") });
const version = z.number().int().min(0).describe('The version you read; a stale one is a 409');
const reason = z.string().max(512).regex(/\S/).describe('Why, 1–512 characters (trimmed)');
const holdBody = z.object({
  reason,
  deadline: z
    .union([z.string().max(64), z.number()])
    .nullable()
    .optional()
    .describe('An RFC 3339 time with its zone (…Z or …+01:00), or epoch ms; in the future, within a year'),
  version: version.optional(),
});

/** A route body that may be left out (no body: all defaults), or an object of these fields. */
function optionalBody(schema: z.ZodObject): Record<string, unknown> {
  // Without `type`, no body at all passes too (the kernel hands the plugin `undefined`); the
  // handler refuses a body that is not an object.
  const {
    $schema: _s,
    type: _t,
    ...rest
  } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return {
    ...rest,
    description: `${schema.description ?? ''} (optional: no body takes every default)`.trim(),
  };
}

const hold = z.object({
  by: z.string(),
  reason: z.string(),
  at: z.string(),
  deadline: z.string().optional(),
});
const stateChange = z.looseObject({
  n: z.number().int().optional().describe('Sequence number in the node’s history: the cursor'),
  state: NODE_STATE,
  from: NODE_STATE.optional(),
  hold: z.enum(['cordoned', 'draining', 'uncordoned']).optional(),
  reason: z.string(),
  by: z.string().optional(),
  at: z.string(),
});
const nodeStatus = z.looseObject({
  state: NODE_STATE,
  reason: z.string(),
  since: z.string(),
  schedulable: z.boolean(),
  cordoned: z.boolean(),
  draining: z.boolean(),
  connected: z.boolean(),
  lastSeenAt: z.string().optional(),
  address: z.string().optional(),
  agentVersion: z.string().optional(),
  fingerprint: z.string(),
  capacity: z.looseObject({
    cores: z.number(),
    threads: z.number(),
    memoryBytes: z.number(),
    gpus: z.array(z.looseObject({})),
    numa: z.array(z.looseObject({})),
  }),
  load: z.looseObject({}).optional().describe('The newest heartbeat’s load'),
  loadAt: z.string().optional(),
  cgroup: z.looseObject({}).optional(),
  managedBy: z.literal('slurm').optional(),
  slurm: z.looseObject({}).optional(),
});
const nodeView = z
  .object({
    id: z.string(),
    name: z.string(),
    version: z.number().int().describe('Of the operator’s spec: send it back with a write (409 if stale)'),
    spec: z.object({
      labels: z.record(z.string(), z.string()),
      cordon: hold.optional(),
      drain: hold.optional(),
    }),
    status: nodeStatus,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .describe('A node');
const nodeDetail = nodeView.extend({
  status: nodeStatus.extend({
    history: z.array(stateChange),
    specs: z.looseObject({}).nullable().describe('The agent’s full specs (null: none stored)'),
  }),
});
const tokenView = z
  .object({
    id: z.string(),
    version: z.number().int(),
    spec: z.object({
      kind: z.enum(['operator', 'approval', 'local']),
      description: z.string(),
      labels: z.record(z.string(), z.string()),
      uses: z.number().int(),
      expiresAt: z.string(),
      boundFingerprint: z.string().optional(),
      certSha256: z.string().optional(),
    }),
    status: z.object({
      state: z.enum(TOKEN_STATES),
      used: z.number().int(),
      joined: z.array(z.string()),
      revokedAt: z.string().optional(),
      revokedBy: z.string().optional(),
    }),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .describe('A join token (never its secret)');
const decision = z.object({
  by: z.string(),
  at: z.string(),
  reason: z.string().optional(),
  token: z.string().optional(),
  name: z.string(),
});
const pendingAgent = z.object({
  id: z.string().describe('Its key fingerprint: what approve and reject name'),
  name: z.string(),
  addresses: z.array(z.string()),
  port: z.number().int(),
  claimed: z
    .looseObject({
      cpus: z.number().optional(),
      memoryBytes: z.number().optional(),
      gpus: z.number().optional(),
      agentVersion: z.string().optional(),
    })
    .describe('What the agent claims about itself: never trusted'),
  seenAt: z.string(),
  status: z.enum(['pending', 'invited', 'rejected']),
  approval: decision.optional(),
  rejection: decision.optional(),
});
const settingNames = Object.keys(SETTING_RANGES) as Array<keyof typeof SETTING_RANGES>;
const settings = z.object(
  Object.fromEntries(settingNames.map((k) => [k, z.number().int()])) as Record<
    keyof typeof SETTING_RANGES,
    z.ZodNumber
  >,
);
const settingsView = z.object({
  id: z.literal('liveness'),
  version: z.number().int().describe('Send it back with a PUT: a stale one is a 409'),
  spec: settings,
  status: z.looseObject({ defaults: settings, nodes: z.number().int() }).describe('Defaults and counters'),
  updatedAt: z.string().optional(),
  updatedBy: z.string().optional(),
});
const settingsPatch = z.strictObject({
  ...Object.fromEntries(
    settingNames.map((k) => {
      const [lo, hi] = SETTING_RANGES[k];
      return [k, z.number().int().min(lo).max(hi).optional()];
    }),
  ),
  version: version.optional(),
}) as z.ZodObject<Record<keyof typeof SETTING_RANGES | 'version', z.ZodOptional<z.ZodNumber>>>;

/** The schemas of every route of plugin.json, by handler. */
export const routeSchemas = defineRouteSchemas({
  listNodes: {
    query: z.object({
      state: z.enum(LIST_STATES).optional(),
      selector: z.string().max(1024).optional().describe('Label selector: k=v,k!=v,k,!k (all must hold)'),
      q: z.string().max(256).optional().describe('Text in the name, id, address, labels or reason'),
      limit: z.coerce.number().int().min(1).max(1000).optional().describe('Items per page (default 100)'),
      cursor: z.string().max(512).optional().describe('The nextCursor of the previous page'),
    }),
    responses: {
      200: z.object({
        items: z.array(nodeView),
        total: z.number().int().describe('Nodes matching the filters'),
        nextCursor: z.string().optional(),
      }),
    },
  },
  getNode: { params: nodeRef, responses: { 200: nodeDetail } },
  nodeHistory: {
    params: nodeRef,
    query: z.object({
      limit: z.coerce.number().int().min(1).max(200).optional().describe('Items per page (default 50)'),
      cursor: z.string().max(32).optional().describe('The nextCursor of the previous page'),
    }),
    responses: {
      200: z.object({
        node: z.string(),
        name: z.string(),
        items: z.array(stateChange),
        total: z.number().int().describe('Entries retained'),
        retained: z.number().int().describe('The retention bound (settings.historyMax)'),
        nextCursor: z.string().optional(),
      }),
    },
  },
  patchNode: {
    params: nodeRef,
    body: z.strictObject({
      labels: z
        .record(
          LABEL_KEY,
          // described, so a bad value is refused once with this, not with each form's error
          LABEL_VALUE.nullable().describe(
            'a label value (≤ 63 of letters, digits, . _ -), or null to remove it',
          ),
        )
        .describe('A merge patch of the labels: a value sets, null removes'),
      version: version.optional(),
    }),
    responses: { 200: nodeView },
  },
  cordonNode: { params: nodeRef, body: holdBody, responses: { 200: nodeView } },
  drainNode: { params: nodeRef, body: holdBody, responses: { 200: nodeView } },
  uncordonNode: {
    params: nodeRef,
    body: z.object({ reason, version: version.optional() }),
    responses: { 200: nodeView },
  },
  removeNode: {
    params: nodeRef,
    query: z.object({
      reason: z.string().max(512).optional().describe('Why (default: removed by an operator)'),
    }),
    responses: {
      200: z.object({
        id: z.string(),
        name: z.string(),
        removed: z.object({
          id: z.string(),
          name: z.string(),
          fingerprint: z.string(),
          removedAt: z.string(),
          removedBy: z.string(),
          reason: z.string(),
        }),
        disconnected: z.boolean().describe('Whether an open agent session was closed'),
      }),
    },
  },
  listTokens: {
    query: z.object({ state: z.enum(TOKEN_STATES).optional() }),
    responses: { 200: z.object({ items: z.array(tokenView) }) },
  },
  createToken: {
    body: optionalBody(
      z
        .strictObject({
          ttl: z
            .union([z.number().min(60).max(2_592_000), z.string().regex(/^\s*\d{1,9}\s*[smhd]?\s*$/)])
            .optional()
            .describe('Lifetime, 1m to 30d: a duration such as 1h, 90m, 2d, or seconds (default 1h)'),
          uses: z.number().int().min(1).max(10_000).optional().describe('Joins allowed (default 1)'),
          labels: labels.optional().describe('Applied to every node that joins with it'),
          description: z.string().max(256).optional(),
        })
        .describe('The token to mint'),
    ),
    responses: {
      201: tokenView.extend({
        token: z.string().describe('The secret: shown only now'),
        server: z.string().optional().describe('The URL agents join at'),
        note: z.string(),
      }),
    },
  },
  getToken: { params: z.object({ token: z.string().max(128) }), responses: { 200: tokenView } },
  revokeToken: { params: z.object({ token: z.string().max(128) }), responses: { 200: tokenView } },
  listPending: {
    query: z.object({
      all: z.enum(['true', 'false', '1', '0']).optional().describe('true: rejected agents too'),
    }),
    responses: {
      200: z.object({
        items: z.array(pendingAgent),
        ignored: z.number().int().describe('Announcements without a valid key fingerprint'),
      }),
    },
  },
  approvePending: {
    params: z.object({
      agent: z.string().max(256).describe('The agent’s key fingerprint, as /pending lists it'),
    }),
    body: optionalBody(z.object({ labels: labels.optional() }).describe('Labels for the node it becomes')),
    responses: {
      202: pendingAgent.extend({
        approval: decision,
        invitedAt: z.string().describe('The address that accepted the invitation'),
      }),
    },
  },
  rejectPending: {
    params: z.object({
      agent: z.string().max(256).describe('The agent’s key fingerprint, as /pending lists it'),
    }),
    body: z.object({ reason }),
    responses: { 200: pendingAgent.extend({ rejection: decision }) },
  },
  getSettings: { responses: { 200: settingsView } },
  putSettings: { body: settingsPatch, responses: { 200: settingsView } },
});
