import { z } from 'zod';
import type { EventRecord } from '../events/event-record.js';
import type { RouteCaller, ServiceCaller } from './caller.js';

/*
 * The other direction: every call the kernel makes into a plugin, as data — its payload (what
 * the kernel sends) and the schema of its result (what the kernel accepts back: a plugin's
 * answer is untrusted input). The kernel encodes payloads and checks results through this
 * table (kernel/sandbox/plugin-call.ts); the prelude dispatches on the same kinds.
 */

/** What a route handler receives (`routes[handler](req, ctx)`). */
export interface RouteRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  /** A safe subset of the request headers (never credentials). */
  headers: Record<string, string>;
  body: unknown;
  /** Who is calling, as the kernel authenticated them. */
  caller: RouteCaller;
  /** The request id (also in `headers['x-request-id']`). */
  requestId: string;
}

/** What a route handler returns; the kernel validates it before it reaches a client. */
export interface RouteResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** A service call: the caller's identity (from its channel) and the arguments. */
export interface ServiceRequest {
  caller: ServiceCaller;
  args: unknown;
}

/** Payload of an `event` call: the subscription id and its batch of events. */
export interface EventDelivery {
  sub: number;
  events: EventRecord[];
}

const activation = z.strictObject({
  routes: z.array(z.string().max(128)).max(1000),
  services: z.array(z.string().max(128)).max(1000),
});
const routeResponse = z.object({
  status: z.number().int(),
  headers: z.record(z.string(), z.unknown()).optional(),
  body: z.unknown().optional(),
});
const deliveryResult = z.object({
  delivered: z.number().int().min(0),
  failed: z.number().int().min(0),
  error: z.object({ code: z.string().max(64), message: z.string().max(1024) }).optional(),
});

/** One kind of call into a plugin: the payload type (type only) and the result schema. */
interface PluginCallSpec<P, R extends z.ZodType> {
  readonly result: R;
  /** Type-level only: never set at run time. */
  readonly payload?: P;
}
const spec =
  <P>() =>
  <R extends z.ZodType>(result: R): PluginCallSpec<P, R> => ({ result });

/** The table: call kind → payload type and result schema. `name` is the handler, service or timer. */
export const PLUGIN_CALLS = {
  /** Runs `setup(ctx)` (or `activate(ctx)`); answers the route and service handlers then exported. */
  activate: spec<null>()(activation),
  deactivate: spec<null>()(z.unknown()),
  route: spec<RouteRequest>()(routeResponse),
  service: spec<ServiceRequest>()(z.unknown()),
  event: spec<EventDelivery>()(deliveryResult),
  timer: spec<null>()(z.unknown()),
} as const;

/** Kinds of call into a plugin. `event` and `timer` are kernel-owned deliveries. */
export type PluginCallKind = keyof typeof PLUGIN_CALLS;

/** Every kind of call into a plugin, as a run-time list. */
export const PLUGIN_CALL_KINDS = Object.keys(PLUGIN_CALLS) as PluginCallKind[];

/** The payload of a call of kind `K`. */
export type PluginCallPayload<K extends PluginCallKind> =
  (typeof PLUGIN_CALLS)[K] extends PluginCallSpec<infer P, z.ZodType> ? P : never;

/** The (validated) result of a call of kind `K`. */
export type PluginCallResult<K extends PluginCallKind> = z.output<(typeof PLUGIN_CALLS)[K]['result']>;

/** What an `activate` call answers: the handlers the plugin exports once active. */
export type ActivationResult = PluginCallResult<'activate'>;

/** Result of an `event` call: how many handler calls threw (the first error, as data). */
export type EventDeliveryResult = PluginCallResult<'event'>;
