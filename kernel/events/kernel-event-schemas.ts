import { z } from 'zod';
import type { EventTopicSpec } from './event-topic-spec.js';
import { KERNEL_TOPICS } from './kernel-topics.js';

/*
 * The payload of every topic the kernel publishes itself. Objects are loose (a field added
 * later is not a breaking change for a consumer that validates); what is listed is always there
 * unless marked optional.
 */

const PLUGIN_STATES = ['activating', 'running', 'crashed', 'backoff', 'quarantined', 'stopped'] as const;
const KILL_CAUSES = ['spin', 'cpu', 'memory', 'deadline', 'protocol', 'crash', 'operator'] as const;
const remote = z.string().describe('The client address, when the request came over the network');

const pluginStatus = z.looseObject({
  plugin: z.string(),
  version: z.string(),
  state: z.enum(PLUGIN_STATES),
  reason: z.string().optional().describe('Why (crash or quarantine reason); absent on ordinary transitions'),
  cause: z.enum(KILL_CAUSES).optional().describe('What ended the host'),
  at: z.number().describe('Epoch ms'),
  restarts: z.number().int(),
});

/** The kernel's own topics (docs/events.md, "Published by the kernel"). */
export const KERNEL_EVENT_SCHEMAS: readonly EventTopicSpec[] = [
  {
    topic: KERNEL_TOPICS.started,
    description: 'The kernel is ready: plugins started, the API listens.',
    schema: z.looseObject({ version: z.string(), url: z.string() }),
  },
  {
    topic: KERNEL_TOPICS.stopping,
    description: 'The kernel began to stop.',
    schema: z.looseObject({ reason: z.string() }),
  },
  {
    topic: KERNEL_TOPICS.breakGlassUsed,
    description:
      'A break-glass admin token was accepted while the security plugin was down (durable; once per 15 s decision).',
    schema: z.looseObject({ jti: z.string(), expiresAt: z.string().describe('ISO time') }),
  },
  {
    topic: 'plugins.plugin.*',
    variants: PLUGIN_STATES,
    description: "A plugin's lifecycle changed (the last segment is the new state).",
    schema: pluginStatus,
  },
  {
    topic: KERNEL_TOPICS.permissionDenied,
    description: 'A plugin called a host function it was not granted.',
    schema: z.looseObject({
      plugin: z.string(),
      version: z.string(),
      call: z.string().describe('The host call, e.g. `fs.read`'),
      descriptor: z.looseObject({ kind: z.string() }).describe('What it asked for'),
      message: z.string(),
    }),
  },
  {
    topic: 'plugins.admin.*',
    description:
      'An administrative change succeeded (`enable`, `disable`, `reload`, `grants`, `install`, `trust`, `untrust`, `panels`, `panel-action`, `panel-stopped`, and from a marketplace `upgrade`, `rollback`, `remove`, `source-add`, `source-remove`, …); the audit trail records it as `plugin.<change>`.',
    schema: z.looseObject({
      actor: z.string().describe('The caller (a user id, `admin`, or `anonymous`)'),
      plugin: z.string(),
      target: z
        .string()
        .optional()
        .describe('What it was done to when the path does not say, e.g. `greet@1.2.0`'),
      status: z.literal('success'),
      httpStatus: z.number().int(),
      details: z.unknown().optional().describe('What the route picked from the request (never the raw body)'),
      remote: remote.optional(),
    }),
  },
  {
    topic: 'ui.action.*',
    description:
      "A dashboard panel asked its plugin to run one of the panel's declared actions (the last segment is the plugin).",
    schema: z.looseObject({
      panel: z.string(),
      action: z.string(),
      args: z.unknown().optional(),
      by: z.string().nullable().describe('The caller, null when anonymous'),
    }),
  },
  {
    topic: KERNEL_TOPICS.authnFailed,
    description: 'A request with missing, invalid or expired credentials on a protected route.',
    schema: z.looseObject({
      method: z.string(),
      path: z.string(),
      code: z.string().describe('The error code answered'),
      reason: z.string().optional(),
      remote: remote.optional(),
    }),
  },
  {
    topic: KERNEL_TOPICS.authzDenied,
    description: 'An authenticated caller lacked the permission a route needs.',
    schema: z.looseObject({
      principal: z.string(),
      kind: z.enum(['admin-token', 'user', 'api-token', 'node']),
      permission: z.string(),
      method: z.string(),
      path: z.string(),
      remote: remote.optional(),
    }),
  },
  {
    topic: 'ops.**',
    description:
      'Whatever an operator published with `POST /api/v1/events` (`{topic, data}`, data ≤ 64 KiB); durable before the 202.',
    schema: z.unknown(),
  },
];
