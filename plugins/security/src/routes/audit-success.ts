import { callerOf, type Req } from '../context.js';
import type { State } from '../state.js';

/** Appends a successful administrative action by the request's caller to the audit trail. */
export function auditSuccess(
  s: State,
  req: Pick<Req, 'caller'>,
  action: string,
  target: string,
  details?: Record<string, unknown>,
) {
  const caller = callerOf(req);
  return s.audit.append({
    actor: caller.id,
    action,
    outcome: 'success',
    target,
    source: caller.source,
    ...(details ? { details } : {}),
  });
}
