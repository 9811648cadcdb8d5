import { z } from 'zod';
import { respond } from '../http/respond.js';
import type { RouteSpec } from '../http/route.js';
import type { SinkStatus } from './sink-runner.js';

const sinkStatusBody = z.object({
  sinks: z.array(
    z.object({
      name: z.string(),
      type: z.enum(['webhook', 'syslog']),
      target: z.string().describe('Where it delivers, without credentials or query'),
      topics: z.array(z.string()),
      state: z.enum(['idle', 'delivering', 'retrying', 'stopped']),
      cursor: z.int().describe('The last seq delivered or dropped; a restart resumes after it'),
      delivered: z.int(),
      rejected: z.int().describe('Events the destination refused for good'),
      failures: z.int().describe('Failed attempts, each retried with backoff'),
      gaps: z
        .array(z.object({ after: z.int(), resumedAt: z.int() }))
        .describe('Events that left the replay window before they could be delivered'),
      lastDeliveredAt: z.iso.datetime().optional(),
      lastError: z.string().optional(),
      nextRetryAt: z.iso.datetime().optional(),
    }),
  ),
});

/** `GET /api/v1/events/sinks`: where events are shipped beyond the stream, and how that goes. */
export function sinkRoutes(status: () => SinkStatus[]): RouteSpec[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/events/sinks',
      permission: 'kernel:read',
      owner: 'kernel',
      summary: 'Event sinks (webhook, syslog) from the config, with delivery counts, cursor and last error',
      responses: { 200: { description: 'Every configured sink', schema: sinkStatusBody } },
      handler: (_c, input) =>
        respond(input, JSON.stringify({ sinks: status() }), {
          headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
        }),
    },
  ];
}
