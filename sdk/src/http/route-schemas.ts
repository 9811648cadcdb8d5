import type { PluginContext } from '../context/plugin-context.js';
import type { PluginTypes, UntypedPlugin } from '../plugin/plugin-types.js';
import type { PluginRequest, PluginResponse } from './route-types.js';

/** A JSON Schema (2020-12) written as plain data; the handler's type then comes from a type argument. */
export type JsonSchemaObject = { readonly [keyword: string]: unknown };

/**
 * A schema that converts itself to JSON Schema (the Standard JSON Schema interface: zod ≥ 4.2,
 * and other libraries) and carries its TypeScript types. The build converts it; it never runs
 * in the isolate.
 */
export interface StandardJsonSchema<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
    readonly jsonSchema: {
      readonly input: (options: { readonly target: string }) => Record<string, unknown>;
      readonly output: (options: { readonly target: string }) => Record<string, unknown>;
    };
  };
}

/** One schema of a route: a zod (or other Standard JSON Schema) schema, or a JSON Schema object. */
export type RouteSchema = StandardJsonSchema | JsonSchemaObject;

/**
 * What one route accepts and answers. The kernel validates `body`, `query` and `params` before the
 * request reaches the plugin (400 naming the field otherwise) and documents all of them in the
 * OpenAPI document; `responses` (by status) are documented, not enforced.
 */
export interface RouteSchemas {
  body?: RouteSchema;
  /** An object schema: each property is a query parameter (its value arrives as a string). */
  query?: RouteSchema;
  /** An object schema: each property is a path parameter of the route. */
  params?: RouteSchema;
  responses?: { readonly [status: number]: RouteSchema };
}

/**
 * The type of what a schema accepts — its *input* type, because the kernel validates the request
 * and hands it over unchanged (no defaults or transforms applied); `Fallback` for a JSON Schema object.
 */
export type SchemaInput<S, Fallback = unknown> = S extends {
  readonly '~standard': { readonly types?: infer T };
}
  ? NonNullable<T> extends { readonly input: infer I }
    ? I
    : Fallback
  : Fallback;

/** Each key of `I` as a string, optional where `I` has it optional (a homomorphic mapping keeps `?`). */
type Strings<I> = { [K in keyof I]: string };

/** Query or path parameters named by schema `S`: each present one is a string (validated as `S` says). */
type ParametersOf<S, Fallback> = [SchemaInput<S, never>] extends [never] ? Fallback : Strings<SchemaInput<S>>;

/**
 * A request typed from route schemas `S`: `body` is the body schema's input type, `query` and
 * `params` name the declared parameters (values are strings, already validated by the kernel).
 */
export type SchemaRequest<S extends RouteSchemas, Params extends string = string> = Omit<
  PluginRequest<SchemaInput<S['body']>, Params>,
  'query' | 'params'
> & {
  query: ParametersOf<S['query'], Record<string, string>> & Record<string, string>;
  params: ParametersOf<S['params'], Record<Params, string>>;
};

/** A route handler whose request is typed from its route schemas (see {@link defineRouteSchemas}). */
export type SchemaRouteHandler<S extends RouteSchemas, T extends PluginTypes = UntypedPlugin> = (
  req: SchemaRequest<S>,
  ctx: PluginContext<T>,
) => PluginResponse | Promise<PluginResponse>;

/**
 * Declares the schemas of a plugin's routes, by the manifest's `handler` name, in
 * `src/route-schemas.ts` as `export const routeSchemas = defineRouteSchemas({ … })`.
 * `omega-plugin build` converts them to JSON Schema into dist/plugin.json, where the kernel
 * validates requests against them and documents them. Import the file only as a type
 * (`import type { routeSchemas }`): the schemas stay out of the plugin bundle.
 */
export function defineRouteSchemas<const S extends Record<string, RouteSchemas>>(schemas: S): S {
  return schemas;
}
