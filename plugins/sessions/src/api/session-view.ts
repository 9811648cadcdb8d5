import type { SessionView } from '../contract.js';
import { isTerminal } from '../lifecycle/states.js';
import type { SessionsRuntime } from '../runtime.js';
import { type SessionRecord, viewOf } from '../store/session-record.js';
import type { WithCaller } from './access.js';

/** What another user than the owner reads for each environment value. */
export const HIDDEN_ENV_VALUE = '(hidden: only the session’s owner sees it)';

/**
 * A session as the API shows it: the record's view with the newest live usage sample. Shown
 * to `viewer` when it is not the owner (an operator or a viewer reading everyone's sessions),
 * the environment keeps its names and hides its values: it is where API keys and passwords go,
 * and `sessions-all:read` is a read-only role's. `viewer` is required, so no route shows the
 * values by leaving it out.
 */
export function sessionView(rt: SessionsRuntime, r: SessionRecord, viewer: WithCaller): SessionView {
  const v = viewOf(r);
  const live = isTerminal(r.status.state) ? undefined : rt.usage.get(r.id);
  if (live && (!v.status.usage || live.at >= v.status.usage.at)) v.status = { ...v.status, usage: live };
  if (viewer.caller.id !== r.owner.id && v.spec.env && Object.keys(v.spec.env).length > 0)
    v.spec = {
      ...v.spec,
      env: Object.fromEntries(Object.keys(v.spec.env).map((name) => [name, HIDDEN_ENV_VALUE])),
    };
  return v;
}
