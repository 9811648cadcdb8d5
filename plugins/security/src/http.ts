import { json, type PluginResponse, problem } from '@omega/sdk';

/** A coded failure a route turns into problem+json (thrown by the modules, caught in routes). */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly extras: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

/** Throws a {@link Refusal}. */
export function refuse(
  status: number,
  code: string,
  detail: string,
  extras?: Record<string, unknown>,
): never {
  throw new Refusal(status, code, detail, extras);
}

/** 200 (or `status`) with a JSON body and no caching. */
export const ok = (body: unknown, status = 200): PluginResponse =>
  json(status, body, { 'cache-control': 'no-store' });

/** 204 No Content. */
export const noContent = (): PluginResponse => ({ status: 204 });

/** Runs a route body; a {@link Refusal} becomes its problem+json response, anything else propagates. */
export async function handle(run: () => Promise<PluginResponse>): Promise<PluginResponse> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof Refusal) {
      const res = problem(err.status, err.code, err.message, err.extras);
      const retry = err.extras.retryAfterSec;
      if (typeof retry === 'number') res.headers = { ...res.headers, 'retry-after': String(retry) };
      return res;
    }
    throw err;
  }
}
