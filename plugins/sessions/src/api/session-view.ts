import type { SessionView } from '../contract.js';
import { isTerminal } from '../lifecycle/states.js';
import type { SessionsRuntime } from '../runtime.js';
import { type SessionRecord, viewOf } from '../store/session-record.js';

/** A session as the API shows it: the record's view with the newest live usage sample. */
export function sessionView(rt: SessionsRuntime, r: SessionRecord): SessionView {
  const v = viewOf(r);
  const live = isTerminal(r.status.state) ? undefined : rt.usage.get(r.id);
  if (live && (!v.status.usage || live.at >= v.status.usage.at)) v.status = { ...v.status, usage: live };
  return v;
}
