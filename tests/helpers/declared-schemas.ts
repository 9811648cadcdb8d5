import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { expect } from 'vitest';
import { compileSchema } from '../../kernel/http/route-validation/schema-compilers.js';

/** A route of a built manifest, with the JSON Schemas the build wrote. */
export interface BuiltRoute {
  method: string;
  path: string;
  handler: string;
  schemas?: {
    body?: Record<string, unknown>;
    query?: Record<string, unknown>;
    params?: Record<string, unknown>;
    responses?: Record<string, Record<string, unknown>>;
  };
}

/** An OpenAPI operation, as far as these checks read it. */
interface Operation {
  parameters?: Array<{ name: string; in: string; schema?: unknown }>;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

/**
 * The route schemas of a built plugin (`<dir>/dist/plugin.json`, what the kernel loads), with checks
 * that keep them true: a real answer must fit the response schema its route declares for its status
 * (compiled with ajv, as the kernel compiles request schemas), and the kernel's OpenAPI document must
 * carry them for every operation of the plugin.
 */
export function declaredSchemas(pluginDir: string) {
  const manifest = JSON.parse(readFileSync(join(pluginDir, 'dist', 'plugin.json'), 'utf8')) as {
    name: string;
    routes: BuiltRoute[];
  };
  const byHandler = new Map(manifest.routes.map((r) => [r.handler, r]));
  const compiled = new Map<string, ValidateFunction>();
  const checked = new Set<string>();
  return {
    routes: manifest.routes,
    /** `handler:status` pairs whose real answers were checked so far. */
    checked,
    /** Asserts that `res.body` fits the response schema `handler` declares for `res.status`. */
    expectFits(handler: string, res: { status: number; body: unknown }): void {
      const route = byHandler.get(handler);
      expect(route, `no route with handler ${handler}`).toBeDefined();
      const schema = route?.schemas?.responses?.[String(res.status)];
      expect(schema, `${handler} declares no response schema for ${res.status}`).toBeDefined();
      const key = `${handler}:${res.status}`;
      let check = compiled.get(key);
      if (!check) {
        check = compileSchema(schema as Record<string, unknown>, 'body');
        compiled.set(key, check);
      }
      if (res.status !== 204 && !check(res.body))
        expect.fail(
          `${handler} ${res.status} does not fit its schema: ${JSON.stringify(check.errors?.slice(0, 5))}\n${JSON.stringify(res.body).slice(0, 2000)}`,
        );
      checked.add(key);
    },
    /**
     * Asserts that every operation of the plugin in the OpenAPI document has parameters with
     * schemas for its path parameters and declared query, its request body's schema when it
     * declares one, and a schema for every 2xx response it declares (but 204).
     */
    expectDocumented(doc: { paths: Record<string, Record<string, Operation>> }): void {
      for (const route of manifest.routes) {
        const path = `/api/v1/${manifest.name}${route.path === '/' ? '' : route.path}`.replace(
          /:([A-Za-z_][A-Za-z0-9_]*)/g,
          '{$1}',
        );
        const op = doc.paths[path]?.[route.method.toLowerCase()];
        const where = `${route.method} ${path}`;
        expect(op, where).toBeDefined();
        const declared = route.schemas?.responses ?? {};
        const ok = Object.keys(declared).filter((s) => s.startsWith('2'));
        expect(ok.length, `${where} declares no 2xx response`).toBeGreaterThan(0);
        for (const status of ok)
          if (status !== '204')
            expect(
              op?.responses[status]?.content?.['application/json']?.schema,
              `${where} ${status}`,
            ).toEqual(declared[status]);
        for (const name of [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))
          expect(
            op?.parameters?.find((p) => p.in === 'path' && p.name === name)?.schema,
            `${where} path ${name}`,
          ).toBeDefined();
        const query = Object.keys((route.schemas?.query?.properties ?? {}) as Record<string, unknown>);
        for (const name of query)
          expect(
            op?.parameters?.find((p) => p.in === 'query' && p.name === name)?.schema,
            `${where} query ${name}`,
          ).toBeDefined();
        if (route.schemas?.body)
          expect(op?.requestBody?.content?.['application/json']?.schema, `${where} body`).toEqual(
            route.schemas.body,
          );
        else expect(['GET', 'DELETE'], `${where} declares no body schema`).toContain(route.method);
      }
    },
  };
}
