import { resolveCliToken, resolveCliUrl } from './target.js';

/** A failed API call, printed by the CLI as one line. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** Calls the kernel API with the CLI's URL and token; a problem response becomes an ApiError. */
export async function callApi(
  values: Record<string, unknown>,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const url = resolveCliUrl(values);
  const token = resolveCliToken(values);
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    const cause =
      (err as Error).cause instanceof Error
        ? ((err as Error).cause as Error).message
        : (err as Error).message;
    throw new ApiError(`no kernel at ${url} (${cause}); start one with: omega start`, 'UNREACHABLE');
  }
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiError(
      `HTTP ${res.status} from ${url}${path} is not JSON; is that an Omega kernel?`,
      `HTTP_${res.status}`,
    );
  }
  if (!res.ok) {
    const p = (data ?? {}) as { detail?: string; code?: string };
    throw new ApiError(`${p.detail ?? `HTTP ${res.status}`}`, p.code ?? `HTTP_${res.status}`);
  }
  return data;
}
