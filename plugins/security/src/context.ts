import type { PluginContext, PluginRequest } from '@omega/sdk';

/** The ctx every module of this plugin receives. */
export type Ctx = PluginContext;

/** A route request as the kernel hands it over (body unvalidated). */
export type Req = PluginRequest;

/** Who called, as the kernel says (`x-omega-caller`, `x-omega-caller-kind`, `x-omega-remote`). */
export interface Caller {
  id: string;
  kind: string;
  source: string;
}

/** The caller of a request; routes that need one are never public, so the kernel always sets it. */
export function callerOf(req: Req): Caller {
  return {
    id: req.headers['x-omega-caller'] ?? 'anonymous',
    kind: req.headers['x-omega-caller-kind'] ?? 'none',
    source: req.headers['x-omega-remote'] ?? 'unknown',
  };
}
