import type { Context } from 'hono';
import type { z } from 'zod';
import type { Principal } from '../auth/index.js';

/** HTTP methods a route may declare. */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses it), as plain data. */
export type JsonSchema = Record<string, unknown>;

/** One documented response: what it means, its body's schema and, when not JSON, its media type. */
export interface RouteResponseDoc {
  description: string;
  /** A zod schema (converted for the document) or a JSON Schema. */
  schema?: z.ZodType | JsonSchema;
  /**
   * The body's media types when it is not JSON (e.g. `text/plain; version=0.0.4`, or the several
   * a static file may be). Default: `application/json` — or, for a JSON Schema of a string with a
   * `contentMediaType` (how a plugin's manifest says it), that media type.
   */
  contentType?: string | readonly string[];
}

/**
 * A request body the handler reads itself (the route declares no `body`): its media type,
 * what it is and whether it may be left out, for the OpenAPI document.
 */
export interface RouteRequestBodyDoc {
  contentType: string;
  description: string;
  /** Its JSON Schema (e.g. `{ contentMediaType: 'application/gzip' }` for an archive); default `{}`. */
  schema?: JsonSchema;
  /** Default true. */
  required?: boolean;
}

/** One documented query parameter. */
export interface RouteQueryDoc {
  description: string;
  required?: boolean;
  schema?: JsonSchema;
}

/** What a route handler receives besides hono's context. */
export interface RouteInput<B> {
  /** The parsed (and, with a schema, validated) JSON body; undefined for routes without a body. */
  body: B;
  /** The authenticated caller; null only on public routes called without credentials. */
  principal: Principal | null;
  /** This request's id (also in the X-Request-Id response header). */
  requestId: string;
  /**
   * The headers every response to this request carries (X-Request-Id, nosniff, and `Connection:
   * close` while the kernel stops). A response built with `respond(input, …)` includes them, so
   * the kernel adds nothing to it afterwards; any other response gets them added.
   */
  headers: Readonly<Record<string, string>>;
  /**
   * What the handler learned about an audited change that the request alone does not say
   * (e.g. the plugin name and version inside an uploaded archive): set it before answering and
   * the audit event carries it.
   */
  audit?: { plugin?: string; target?: string };
  /**
   * The query and path parameters as the route's `check` read them (plugin routes), so the
   * handler does not parse them again; undefined for a route without a `check`.
   */
  parts?: RequestParts;
}

/** A request's query (one value per name) and path parameters, as read from its URL. */
export interface RequestParts {
  query: Record<string, string>;
  params: Record<string, string>;
}

/**
 * One entry of the kernel's route table: kernel routes and plugin routes alike. The
 * table is the single source for mounting, authorization and the OpenAPI document.
 */
export interface RouteSpec<B = unknown> {
  method: HttpMethod;
  /** Full path in hono syntax, e.g. `/api/v1/plugins/:name`. */
  path: string;
  /** The RBAC permission a caller needs (e.g. `kernel:read`), or `public`. */
  permission: string;
  summary: string;
  /** Who registered it: `kernel` or a plugin name (becomes the OpenAPI tag). */
  owner: string;
  /**
   * `json`: an optional JSON body of any shape (undefined when the request has none); a zod
   * schema: a required, validated JSON body; omitted: no body is read.
   */
  body?: 'json' | z.ZodType<B>;
  /** What the route does, for the OpenAPI document (default: from summary, permission and owner). */
  description?: string;
  /**
   * The JSON Schema of a `json` body, for the OpenAPI document (a plugin route's declared
   * `schemas.body`, checked before the call). The body is documented as required unless the
   * schema accepts an absent body (validated as `undefined`: a schema without a `type`).
   */
  bodySchema?: JsonSchema;
  /** A body the handler reads itself (no `body` declared), for the OpenAPI document. */
  requestBody?: RouteRequestBodyDoc;
  /**
   * Query parameters, for the OpenAPI document (the handler validates their values). A kernel
   * API route takes these names and no other, each once (a 400 otherwise; documented-query-names.ts).
   */
  query?: Record<string, RouteQueryDoc>;
  /** Takes any query, unread: a probe a load balancer or uptime checker may add a cache-buster to. */
  anyQuery?: boolean;
  /** Path parameters' schemas, for the OpenAPI document (default: a string). */
  params?: Record<string, RouteQueryDoc>;
  /** Responses by status (a description, or a description and a body schema), for the OpenAPI document. */
  responses?: Record<number, string | RouteResponseDoc>;
  /**
   * An administrative change worth an audit record: on success the kernel publishes `topic`
   * with the caller, the path params and what `details` picks from the request — never the
   * raw body, which may hold passwords or tokens.
   */
  audit?: { topic: string; details?: (input: { params: Record<string, string>; body: B }) => unknown };
  /**
   * Checks the request against the route's declared schemas once its caller is authorized and its
   * body read, before an Idempotency-Key is taken or the handler runs: a 400 it throws is not kept
   * under the key, so a corrected retry with the same key goes through. It may note what it read
   * in `input.parts`.
   */
  check?: (c: Context, input: RouteInput<B>) => void;
  /** Marks a WebSocket upgrade route (documented, served by the gateway). */
  websocket?: boolean;
  handler: (c: Context, input: RouteInput<B>) => Response | Promise<Response>;
}

/** Declares a route with its body type checked against its handler, then erases it for the table. */
export function defineRoute<B = undefined>(spec: RouteSpec<B>): RouteSpec {
  return spec as unknown as RouteSpec;
}

/**
 * `true` when types `A` and `B` are assignable both ways, else `false`: the statement
 * `true satisfies SameShape<View, z.output<typeof viewSchema>>;` makes a drift between a
 * handler's view type and the response schema it documents a compile error.
 */
export type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
