/*
 * Type test for route schemas: a handler's request is typed from its schemas (body from the
 * schema's input type, query and path parameters named, each a string), and handlers typed this
 * way sit in `routes` beside untyped ones. `@ts-expect-error` lines must not compile (npm run check).
 */
import { expectTypeOf } from 'vitest';
import { z } from 'zod';
import {
  definePlugin,
  defineRouteSchemas,
  json,
  type SchemaInput,
  type SchemaRequest,
  type SchemaRouteHandler,
} from '../../sdk/src/index.js';

const routeSchemas = defineRouteSchemas({
  createThing: {
    body: z.object({ name: z.string(), size: z.number().int().default(1) }),
    query: z.object({ dryRun: z.enum(['true', 'false']).optional(), limit: z.coerce.number() }),
    params: z.object({ group: z.string() }),
    responses: { 201: z.object({ id: z.string() }) },
  },
  plain: { body: { type: 'object' } },
});

type Create = SchemaRequest<typeof routeSchemas.createThing>;
// The body is what the client sent and the kernel checked: the input type (a default is not applied).
expectTypeOf<Create['body']>().toEqualTypeOf<{ name: string; size?: number | undefined }>();
expectTypeOf<Create['params']['group']>().toEqualTypeOf<string>();
// Query values arrive as strings, whatever type the schema coerces them to for checking.
expectTypeOf<Create['query']['limit']>().toEqualTypeOf<string>();
expectTypeOf<Create['query']['dryRun']>().toEqualTypeOf<string | undefined>();
// A JSON Schema object carries no type: the body stays unknown.
expectTypeOf<SchemaRequest<typeof routeSchemas.plain>['body']>().toBeUnknown();
expectTypeOf<SchemaInput<z.ZodString>>().toEqualTypeOf<string>();

const createThing: SchemaRouteHandler<typeof routeSchemas.createThing> = async (req) => {
  expectTypeOf(req.body.name).toBeString();
  // @ts-expect-error the body schema has no field "colour"
  void req.body.colour;
  // @ts-expect-error the path has no parameter "id"
  void req.params.id;
  return json(201, { id: `${req.params.group}/${req.body.name}` });
};

// Typed and untyped handlers together; an inline one still gets `req` from its context.
export const plugin = definePlugin({
  routes: {
    createThing,
    hello: (req) => json(200, { caller: req.caller.id, q: req.query.q ?? '' }),
  },
});
