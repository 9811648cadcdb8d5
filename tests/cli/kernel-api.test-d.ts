/*
 * Type test for the CLI's typed kernel client (cli/kernel-api.ts over cli/generated/openapi.ts):
 * each `@ts-expect-error` line is a misuse that must NOT compile; `npm run check` (tsc) fails if
 * one compiles (an unused directive is an error). A route that disappears from the document, or
 * whose parameters or schemas change, breaks the CLI's build the same way.
 */
import { expectTypeOf } from 'vitest';
import type { KernelApi } from '../../cli/kernel-api.js';

declare const api: KernelApi;

// Right usage compiles; answers are typed where the document has a response schema.
expectTypeOf(api.get('/api/v1/kernel')).resolves.toHaveProperty('version').toBeString();
expectTypeOf(api.get('/api/v1/health')).resolves.not.toBeUnknown();
expectTypeOf(api.get('/api/v1/resources/nodes/{node}', { path: { node: 'n1' } }))
  .resolves.toHaveProperty('problems')
  .toBeArray();
expectTypeOf(api.put('/api/v1/plugins/{name}/grants', { path: { name: 'x' }, body: { granted: ['log'] } }))
  .resolves.toHaveProperty('granted')
  .toEqualTypeOf<string[]>();
expectTypeOf(api.post('/api/v1/marketplace/remove', { body: { name: 'x' } }))
  .resolves.toHaveProperty('removed')
  .toBeBoolean();
// A documented query is typed (resources declares its query schemas).
void api.get('/api/v1/resources', { query: { limit: 10, q: 'gpu' } });
void api.get('/api/v1/nodes', { query: { state: 'ready', limit: 5 } });
// @ts-expect-error once a route documents its query, an unchecked one is refused
void api.get('/api/v1/nodes', { unchecked: { query: new URLSearchParams({ state: 'ready' }) } });
// The marketplace search documents its query: typed, and never unchecked.
void api.get('/api/v1/marketplace/search', { query: { q: 'x' } });
// @ts-expect-error q is documented: it is not sent unchecked
void api.get('/api/v1/marketplace/search', { unchecked: { query: new URLSearchParams({ q: 'x' }) } });
// The octet-stream install has no JSON body in the document: raw bytes only, its query typed.
void api.post('/api/v1/plugins/install', {
  query: { dryRun: 'true' },
  unchecked: { bytes: new Uint8Array(1) },
  timeoutMs: 1000,
});
const rawQuery = new URLSearchParams();
// @ts-expect-error once the install documents its query, an unchecked one is refused
void api.post('/api/v1/plugins/install', { unchecked: { query: rawQuery } });

// @ts-expect-error no such path
void api.get('/api/v1/nope');
// @ts-expect-error GET /api/v1/marketplace/remove is not a route (POST is)
void api.get('/api/v1/marketplace/remove');
// @ts-expect-error the path parameter is required
void api.get('/api/v1/resources/nodes/{node}');
// @ts-expect-error the path parameter is named node
void api.get('/api/v1/resources/nodes/{node}', { path: { id: 'n1' } });
// @ts-expect-error the body is required
void api.post('/api/v1/marketplace/remove');
// @ts-expect-error name must be a string
void api.post('/api/v1/marketplace/remove', { body: { name: 1 } });
// @ts-expect-error grants take granted: string[]
void api.put('/api/v1/plugins/{name}/grants', { path: { name: 'x' }, body: { granted: 'log' } });
// @ts-expect-error a route without a body takes none
void api.get('/api/v1/kernel', { body: {} });
// @ts-expect-error a route with a documented JSON body takes no raw bytes
void api.post('/api/v1/marketplace/remove', { body: { name: 'x' }, unchecked: { bytes: new Uint8Array(1) } });
// @ts-expect-error limit is a number in the document
void api.get('/api/v1/resources', { query: { limit: 'ten' } });
// @ts-expect-error a documented query is never sent unchecked
void api.get('/api/v1/resources', { unchecked: { query: new URLSearchParams({ limit: '10' }) } });
// @ts-expect-error no such query parameter
void api.get('/api/v1/resources', { query: { colour: 'red' } });
