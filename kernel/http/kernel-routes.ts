import { MAX_EVENT_DATA_BYTES } from '@omega/protocol';
import { z } from 'zod';
import { PUBLIC } from '../auth/index.js';
import { omegaError } from '../errors/index.js';
import { type ApiTag, buildOpenApi } from './openapi.js';
import { respond, respondOwned } from './respond.js';
import { defineRoute, type RouteInput, type RouteSpec } from './route.js';
import type { RouteTable } from './route-table.js';

/** What the kernel routes read from the running kernel. */
export interface KernelFacts {
  version: string;
  startedAt: number;
  /** Readiness checks: name → ok. */
  readiness(): Record<string, boolean>;
  plugins(): unknown[];
  systemSnapshot(): Promise<unknown>;
  /** Publishes an operator event; resolves once it is durable. */
  publish(topic: string, data: unknown): Promise<{ seq: number; topic: string; time: number }>;
  /** The parts that serve routes (the kernel, each plugin) with a description, for the OpenAPI tags. */
  tags(): ApiTag[];
}

const publishBody = z
  .object({
    topic: z
      .string()
      .regex(/^ops(\.[a-z0-9_-]+){1,7}$/, 'must be an operator topic: ops.<segment>… of [a-z0-9_-]'),
    data: z.unknown().optional(),
  })
  .strict();

// Response bodies, for the OpenAPI document (a client generated from it gets these types).
const healthBody = z.object({ status: z.literal('ok') });
/** The liveness answer, serialised once. */
const HEALTHY = JSON.stringify({ status: 'ok' });
const readyBody = z.object({
  status: z.literal('ready'),
  checks: z.record(z.string(), z.boolean()).describe('Each readiness check: name → ok'),
});
const kernelBody = z.object({
  version: z.string().describe("The kernel's semver version"),
  node: z.string().describe('The Node.js version it runs on'),
  startedAt: z.iso.datetime(),
  uptimeSec: z.int().nonnegative(),
  plugins: z.array(
    z.object({
      name: z.string(),
      version: z.string(),
      status: z
        .string()
        .describe('activating, running, crashed, backoff, quarantined, stopped, disabled or refused'),
    }),
  ),
});
const publishedBody = z.object({
  seq: z.int().positive().describe('The sequence number; resume the stream with since=seq'),
  topic: z.string(),
  time: z.int().describe('Epoch ms'),
});
const objectBody = (description: string) => ({ type: 'object', description });

/** The kernel's own routes; plugin routes join the same table later. */
export function kernelRoutes(table: RouteTable, facts: KernelFacts): RouteSpec[] {
  // The document only changes when the route table does: build it once per table version.
  let openapi: { version: number; body: string } | undefined;
  const openapiBody = (): string => {
    if (openapi?.version !== table.version) {
      openapi = {
        version: table.version,
        body: JSON.stringify(buildOpenApi(table.list(), { version: facts.version, tags: facts.tags() })),
      };
    }
    return openapi.body;
  };
  // respondOwned: these headers are built for this one response, so respond's copy is not needed.
  const answer = (input: RouteInput<unknown>, body: string, status = 200) =>
    respondOwned(input, body, status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  const json = (input: RouteInput<unknown>, data: unknown, status = 200) =>
    answer(input, JSON.stringify(data), status);
  return [
    {
      method: 'GET',
      path: '/api/v1/health',
      permission: PUBLIC,
      owner: 'kernel',
      anyQuery: true, // a probe may carry a cache-buster
      summary: 'Liveness: the process is up and serving HTTP',
      responses: { 200: { description: 'Alive', schema: healthBody } },
      handler: (_c, input) => answer(input, HEALTHY),
    },
    {
      method: 'GET',
      path: '/api/v1/ready',
      permission: PUBLIC,
      owner: 'kernel',
      anyQuery: true, // a probe may carry a cache-buster
      summary: 'Readiness: storage open and plugins started',
      responses: { 200: { description: 'Ready', schema: readyBody }, 503: 'Not ready (see checks)' },
      handler: (_c, input) => {
        const checks = facts.readiness();
        const ready = Object.values(checks).every(Boolean);
        if (ready) return json(input, { status: 'ready', checks });
        throw omegaError('OMEGA_ERR_UNAVAILABLE', 'The kernel is not ready.', { checks });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/kernel',
      permission: 'kernel:read',
      owner: 'kernel',
      summary: 'Kernel version, uptime and loaded plugins',
      responses: { 200: { description: 'The kernel', schema: kernelBody } },
      handler: (_c, input) =>
        json(input, {
          version: facts.version,
          node: process.version,
          startedAt: new Date(facts.startedAt).toISOString(),
          uptimeSec: Math.round((Date.now() - facts.startedAt) / 1000),
          plugins: facts.plugins(),
        }),
    },
    {
      method: 'GET',
      path: '/api/v1/openapi.json',
      permission: PUBLIC,
      owner: 'kernel',
      summary: 'This API as an OpenAPI 3.1 document, generated from the route table',
      responses: { 200: { description: 'The document', schema: objectBody('An OpenAPI 3.1 document') } },
      handler: (_c, input) =>
        respond(input, openapiBody(), {
          headers: { 'content-type': 'application/json', 'cache-control': 'no-cache' },
        }),
    },
    {
      method: 'GET',
      path: '/api/v1/system',
      permission: 'system:read',
      owner: 'kernel',
      summary:
        "A snapshot of the kernel host's metrics (CPU, memory, disks, network, temperatures, GPUs, topology)",
      responses: {
        200: {
          description: 'The snapshot',
          schema: objectBody('One key per area (cpu, memory, disk, network, temperature, gpu, topology)'),
        },
      },
      handler: async (_c, input) => json(input, await facts.systemSnapshot()),
    },
    {
      method: 'GET',
      path: '/api/v1/events',
      permission: 'events:subscribe',
      owner: 'kernel',
      websocket: true,
      summary:
        'WebSocket event stream: ?topics=a.*,b.**&since=SEQ; one JSON event per message, resumable inside the replay window',
      query: {
        topics: {
          description: 'Topic patterns, comma-separated or repeated (* one segment, ** the rest); required',
          required: true,
          schema: { type: 'string' },
        },
        since: {
          description: 'Replay from after this sequence number (inside the replay window), then go live',
          schema: { type: 'string', pattern: '^\\d{1,16}$' },
        },
      },
      responses: { 101: 'Switching protocols', 426: 'Not a WebSocket upgrade' },
      handler: () => {
        throw omegaError('OMEGA_ERR_UPGRADE_REQUIRED', 'GET /api/v1/events is a WebSocket endpoint.');
      },
    },
    {
      method: 'GET',
      path: '/api/v1/agents/connect',
      permission: 'public',
      owner: 'kernel',
      websocket: true,
      summary:
        'WebSocket for node agents (subprotocol omega-agent.v1): a signed handshake, then MACed frames; see docs/agent-protocol.md',
      responses: { 101: 'Switching protocols', 426: 'Not a WebSocket upgrade' },
      handler: () => {
        throw omegaError(
          'OMEGA_ERR_UPGRADE_REQUIRED',
          'GET /api/v1/agents/connect is a WebSocket endpoint for node agents.',
        );
      },
    },
    defineRoute({
      method: 'POST',
      path: '/api/v1/events',
      permission: 'events:publish',
      owner: 'kernel',
      body: publishBody,
      summary: 'Publish an operator event (topics under ops.*, e.g. ops.maintenance.announced)',
      responses: {
        202: {
          description: 'Published (durably): the event with its sequence number',
          schema: publishedBody,
        },
      },
      handler: async (_c, input) => {
        const { body } = input;
        // The same per-event cap as plugins' events.publish: every event is retained for replay.
        const bytes = JSON.stringify(body.data ?? null).length;
        if (bytes > MAX_EVENT_DATA_BYTES) {
          throw omegaError(
            'OMEGA_ERR_PAYLOAD_TOO_LARGE',
            `Event data of ${bytes} bytes exceeds ${MAX_EVENT_DATA_BYTES}.`,
            { limit: MAX_EVENT_DATA_BYTES },
          );
        }
        return json(input, await facts.publish(body.topic, body.data ?? null), 202);
      },
    }),
  ];
}
