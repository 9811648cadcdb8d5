import { callApi } from './api-client.js';
import type { ApiArgs, ApiData, ApiInit, ApiMethod, ApiOperation, ApiPath } from './api-types.js';

type Call<M extends ApiMethod> = <P extends ApiPath<M>>(
  path: P,
  ...init: ApiArgs<ApiOperation<P, M>>
) => Promise<ApiData<ApiOperation<P, M>>>;

/**
 * The kernel API, typed by the generated OpenAPI description (cli/generated/openapi.ts): the
 * path, method, path parameters, query and body of every call are checked by tsc, and the
 * answer is typed where the document has a response schema (`unknown` where it has none yet).
 * Each call goes through {@link callApi}: the target's token (a session's refreshed), timeouts,
 * and a problem answer as an ApiError one-liner.
 */
export interface KernelApi {
  get: Call<'get'>;
  post: Call<'post'>;
  put: Call<'put'>;
  patch: Call<'patch'>;
  delete: Call<'delete'>;
}

type Scalar = string | number | boolean;

/** `'/api/v1/nodes/{id}'` + `{ id: 'a b' }` → `/api/v1/nodes/a%20b` (every parameter must be given). */
export function expandPath(template: string, params: Record<string, Scalar> = {}): string {
  return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`${template}: no value for the path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
}

/** A query string (`?a=1&b=x`, or '' when empty) from documented parameters and unchecked ones. */
export function queryString(
  query: Record<string, Scalar | readonly Scalar[] | undefined> = {},
  unchecked?: URLSearchParams,
): string {
  const q = new URLSearchParams(unchecked);
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) q.append(name, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The loose shape every ApiInit has, for the implementation (the typing is at the call site). */
interface LooseInit {
  timeoutMs?: number;
  anonymous?: boolean;
  path?: Record<string, Scalar>;
  query?: Record<string, Scalar | readonly Scalar[] | undefined>;
  body?: unknown;
  unchecked?: { query?: URLSearchParams; bytes?: Uint8Array };
}

/** The typed kernel API for the CLI's target (`--url`, `--context`, `--token`; see resolveTarget). */
export function kernelApi(values: Record<string, unknown>): KernelApi {
  const call =
    (method: ApiMethod) =>
    (path: string, init: ApiInit<unknown> | LooseInit = {}): Promise<unknown> => {
      const i = init as LooseInit;
      const url = `${expandPath(path, i.path)}${queryString(i.query, i.unchecked?.query)}`;
      return callApi(values, method.toUpperCase(), url, i.unchecked?.bytes ?? i.body, {
        ...(i.timeoutMs === undefined ? {} : { timeoutMs: i.timeoutMs }),
        ...(i.anonymous ? { anonymous: true } : {}),
      });
    };
  return {
    get: call('get') as Call<'get'>,
    post: call('post') as Call<'post'>,
    put: call('put') as Call<'put'>,
    patch: call('patch') as Call<'patch'>,
    delete: call('delete') as Call<'delete'>,
  };
}
