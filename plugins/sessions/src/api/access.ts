import { allowsPermission, type PluginRequest } from '@omega/sdk';
import type { SessionRecord } from '../store/session-record.js';

/**
 * RBAC of the sessions API. Routes need `sessions:read` (see) or `sessions:write` (create,
 * control) and act on the caller's own sessions; `sessions-all:read` / `sessions-all:write`
 * extend that to every owner's (the built-in operator has them through `*:read`/`*:write`,
 * the viewer sees all); `sessions:admin` sets quotas (admins only: no built-in `*:…` covers it).
 */
export const PERMISSIONS = {
  read: 'sessions:read',
  write: 'sessions:write',
  readAll: 'sessions-all:read',
  writeAll: 'sessions-all:write',
  admin: 'sessions:admin',
} as const;

/** What the access checks read of a request: its caller. */
export type WithCaller = Pick<PluginRequest, 'caller'>;

/** True when the caller holds `permission` (patterns and denials as the kernel reads them). */
export function can(req: WithCaller, permission: string): boolean {
  const c = req.caller;
  return allowsPermission({ permissions: c.permissions, denied: c.denied ?? [] }, permission);
}

/** True when the caller may see `r` (their own, or every owner's). */
export const canSee = (req: WithCaller, r: SessionRecord): boolean =>
  r.owner.id === req.caller.id || can(req, PERMISSIONS.readAll);

/** True when the caller may pause, resume or cancel `r`. */
export const canControl = (req: WithCaller, r: SessionRecord): boolean =>
  r.owner.id === req.caller.id ? can(req, PERMISSIONS.write) : can(req, PERMISSIONS.writeAll);
