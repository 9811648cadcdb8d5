import { readFileSync } from 'node:fs';
import type { PluginRoute } from '@omega/protocol';
import { expect } from 'vitest';
import { compileSchema } from '../../kernel/http/route-validation/index.js';

/** An API answer as the tests read it. */
export interface Answer {
  status: number;
  body: unknown;
}

/**
 * The route schemas a built plugin declares (its dist/plugin.json), compiled by the kernel's own
 * `compileSchema` (JSON Schema 2020-12 as the kernel checks a JSON body: same ajv options and
 * formats, no coercion), to hold real answers against: a response schema that drifts from what the
 * handler returns fails the plugin's test. Each checked answer is counted per handler, so a test
 * can require that every route had one.
 */
export class DeclaredSchemas {
  readonly routes: PluginRoute[];
  private readonly compiled = new Map<string, ReturnType<typeof compileSchema>>();
  private readonly seen = new Map<string, Set<number>>();

  constructor(distManifest: string) {
    this.routes = (JSON.parse(readFileSync(distManifest, 'utf8')) as { routes: PluginRoute[] }).routes;
  }

  /** The route whose handler is `handler`. */
  route(handler: string): PluginRoute {
    const r = this.routes.find((x) => x.handler === handler);
    if (!r) throw new Error(`no route has handler ${handler}`);
    return r;
  }

  /**
   * Asserts that `answer` is one `handler` declares: its status is a declared response, and its
   * body validates against that status' schema (a 204 has no body to check). Returns the body.
   */
  expectDeclared<T = unknown>(handler: string, answer: Answer): T {
    const declared = this.route(handler).schemas?.responses ?? {};
    expect(Object.keys(declared), `${handler} answered ${answer.status}`).toContain(String(answer.status));
    if (answer.status !== 204) {
      const key = `${handler} ${answer.status}`;
      let check = this.compiled.get(key);
      if (!check) {
        check = compileSchema(declared[answer.status] as Record<string, unknown>, 'body');
        this.compiled.set(key, check);
      }
      const ok = check(answer.body);
      expect(
        ok ? [] : check.errors,
        `${handler} ${answer.status}: ${JSON.stringify(answer.body).slice(0, 400)}`,
      ).toEqual([]);
    }
    const statuses = this.seen.get(handler) ?? new Set<number>();
    statuses.add(answer.status);
    this.seen.set(handler, statuses);
    return answer.body as T;
  }

  /** Handlers none of whose answers was checked yet. */
  unchecked(): string[] {
    return this.routes.map((r) => r.handler).filter((h) => !this.seen.has(h));
  }
}

/** Asserts a 400 OMEGA_ERR_VALIDATION problem whose `errors` name (at least) each of `fields`. */
export function expectRefused(answer: Answer, fields: string[], what = ''): void {
  expect(answer.status, what).toBe(400);
  const body = answer.body as { code?: string; errors?: Array<{ field: string }> };
  expect(body.code, what).toBe('OMEGA_ERR_VALIDATION');
  expect(
    body.errors?.map((e) => e.field),
    what,
  ).toEqual(expect.arrayContaining(fields));
}

type Operation = {
  operationId?: string;
  parameters?: Array<{ name: string; in: string; schema?: unknown }>;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
};

/**
 * Asserts that the OpenAPI document has, for every route of the plugin, an operation whose
 * parameters, request body and success responses carry the declared schemas. Answers the
 * operations' ids by handler (so a test can pin them: a typed client is generated from them).
 */
export function expectDocumented(
  doc: { paths: Record<string, Record<string, Operation>> },
  plugin: string,
  routes: readonly PluginRoute[],
): Record<string, string> {
  const ids: Record<string, string> = {};
  for (const r of routes) {
    const path = `/api/v1/${plugin}${r.path === '/' ? '' : r.path}`.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const op = doc.paths[path]?.[r.method.toLowerCase()];
    expect(op, `${r.method} ${path}`).toBeDefined();
    if (!op) continue;
    ids[r.handler] = op.operationId ?? '';
    const s = r.schemas;
    expect(s?.responses, `${r.handler} declares responses`).toBeDefined();
    for (const [status, schema] of Object.entries(s?.responses ?? {})) {
      const documented = op.responses?.[status];
      expect(documented, `${r.handler} documents ${status}`).toBeDefined();
      // A string schema with a `contentMediaType` is a non-JSON body, documented under that type.
      const media =
        schema.type === 'string' && typeof schema.contentMediaType === 'string'
          ? schema.contentMediaType
          : 'application/json';
      if (status !== '204')
        expect(documented?.content?.[media]?.schema, `${r.handler} ${status}`).toEqual(schema);
    }
    for (const [part, where] of [
      ['params', 'path'],
      ['query', 'query'],
    ] as const) {
      const props = (s?.[part] as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
      for (const name of Object.keys(props)) {
        const p = op.parameters?.find((x) => x.name === name && x.in === where);
        expect(p?.schema, `${r.handler} ${where} parameter ${name}`).toBeDefined();
      }
    }
    for (const m of path.matchAll(/\{([^}]+)\}/g))
      expect(
        (s?.params as { properties?: Record<string, unknown> } | undefined)?.properties?.[m[1] as string],
        `${r.handler} declares its path parameter ${m[1]}`,
      ).toBeDefined();
    if (r.method !== 'GET' && r.method !== 'DELETE')
      expect(op.requestBody?.content?.['application/json']?.schema, `${r.handler} body`).toEqual(s?.body);
  }
  return ids;
}
