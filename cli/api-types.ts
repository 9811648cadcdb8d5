import type { paths } from './generated/openapi.js';

/** The HTTP methods the kernel API serves (lower case, as in the OpenAPI document). */
export type ApiMethod = 'get' | 'put' | 'post' | 'patch' | 'delete';

/** Every documented path that serves `M`, e.g. `'/api/v1/nodes/{id}'` for `'get'`. */
export type ApiPath<M extends ApiMethod> = {
  [P in keyof paths]: paths[P] extends Record<M, object> ? P : never;
}[keyof paths];

/** The generated operation (parameters, requestBody, responses) of `M P`. */
export type ApiOperation<P extends keyof paths, M extends ApiMethod> =
  paths[P] extends Record<M, infer O> ? O : never;

type IsNever<T> = [T] extends [never] ? true : false;

/** The path parameters of an operation (`{ id: string }`), never when it has none. */
type PathParams<O> = O extends { parameters: { path: infer T } } ? T : never;

/** The documented query parameters of an operation, never when the document declares none. */
type QueryParams<O> = O extends { parameters: { query?: infer Q } } ? Exclude<Q, undefined> : never;

/** The JSON body an operation takes, never when the document has no request body. */
type JsonBody<O> = O extends { requestBody?: infer R }
  ? IsNever<Exclude<R, undefined>> extends true
    ? never
    : Exclude<R, undefined> extends { content: { 'application/json': infer B } }
      ? B
      : never
  : never;

type BodyRequired<O> = O extends { requestBody: object } ? true : false;

/** The JSON of any 2xx response of an operation; `unknown` where none has a schema yet. */
export type ApiData<O> = O extends { responses: infer R }
  ? IsNever<SuccessJson<R>> extends true
    ? unknown
    : SuccessJson<R>
  : unknown;

type SuccessJson<R> = {
  [S in keyof R]: S extends 200 | 201 | 202 | 203 | 206
    ? R[S] extends { content: { 'application/json': infer J } }
      ? J
      : never
    : never;
}[keyof R];

/**
 * What a call can send beside the path. Where the document does not describe a query or a body
 * yet (plugin routes without declared schemas, the octet-stream install), `unchecked` carries it
 * as is; once the document describes it, `unchecked` is a compile error there (`npm run gen:api`
 * then shows every call site to move onto the typed field).
 */
export type ApiInit<O> = {
  /** How long to wait for the answer, ms (default 120 s). */
  timeoutMs?: number;
  /** Send no credential (public routes such as readiness). */
  anonymous?: boolean;
} & (IsNever<PathParams<O>> extends true ? { path?: never } : { path: PathParams<O> }) &
  (IsNever<QueryParams<O>> extends true
    ? { query?: never; unchecked?: { query?: URLSearchParams; bytes?: UncheckedBytes<O> } }
    : (object extends QueryParams<O> ? { query?: QueryParams<O> } : { query: QueryParams<O> }) & {
        unchecked?: { query?: never; bytes?: UncheckedBytes<O> };
      }) &
  (IsNever<JsonBody<O>> extends true
    ? { body?: never }
    : BodyRequired<O> extends true
      ? { body: JsonBody<O> }
      : { body?: JsonBody<O> });

/** Raw bytes (sent as application/octet-stream) only where the document declares no JSON body. */
type UncheckedBytes<O> = IsNever<JsonBody<O>> extends true ? Uint8Array : never;

/** The rest parameters of a call: the init object, optional when nothing in it is required. */
export type ApiArgs<O> = object extends ApiInit<O> ? [init?: ApiInit<O>] : [init: ApiInit<O>];

/** The JSON body `M P` takes (e.g. to build one before the call); never when it takes none. */
export type ApiBody<P extends keyof paths, M extends ApiMethod> = JsonBody<ApiOperation<P, M>>;

/** The documented query parameters of `M P` (e.g. to type a value read from a flag). */
export type ApiQuery<P extends keyof paths, M extends ApiMethod> = QueryParams<ApiOperation<P, M>>;
