/*
 * The other direction: calls the kernel makes into a plugin, and the shapes they carry.
 * Payloads and results cross as JSON strings.
 */

/** Kinds of call into a plugin. `event` and `timer` are kernel-owned deliveries. */
export type PluginCallKind = 'activate' | 'deactivate' | 'route' | 'service' | 'event' | 'timer';

/** Every kind of call into a plugin, as a run-time list. */
export const PLUGIN_CALL_KINDS: readonly PluginCallKind[] = [
  'activate',
  'deactivate',
  'route',
  'service',
  'event',
  'timer',
];

/** What a route handler receives (`routes[handler](req, ctx)`). */
export interface RouteRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
}

/** What a route handler returns; the kernel validates it before it reaches a client. */
export interface RouteResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** One event as a plugin's subscription handler receives it. */
export interface PluginEvent<T = unknown> {
  seq: number;
  topic: string;
  time: number;
  data: T;
}

/** Payload of an `event` call: the subscription id and its batch of events. */
export interface EventDelivery {
  sub: number;
  events: PluginEvent[];
}

/** Result of an `event` call: how many handler calls threw (the first error, as data). */
export interface EventDeliveryResult {
  delivered: number;
  failed: number;
  error?: { code: string; message: string };
}
