import type { EventBus } from '../bus/index.js';
import { KERNEL_TOPICS } from '../events/kernel-topics.js';
import type { RequestOutcome } from '../http/create-app.js';

/** Bus events for the audit trail from what the HTTP layer observed (see RequestOutcome). */
export function publishRequestOutcome(bus: EventBus, o: RequestOutcome): void {
  if (o.type === 'authn-failed') {
    const { type: _t, ...rest } = o;
    bus.publish(KERNEL_TOPICS.authnFailed, rest);
  } else if (o.type === 'authz-denied') {
    bus.publish(KERNEL_TOPICS.authzDenied, {
      principal: o.principal.id,
      kind: o.principal.kind,
      permission: o.permission,
      method: o.method,
      path: o.path,
      ...(o.remote ? { remote: o.remote } : {}),
    });
  } else {
    bus.publish(o.topic, {
      actor: o.principal?.id ?? 'anonymous',
      // What the handler said first: a path's :name is not always a plugin (a marketplace source).
      plugin: o.plugin ?? o.params.name ?? 'unknown',
      ...(o.target === undefined ? {} : { target: o.target }),
      status: 'success',
      httpStatus: o.status,
      ...(o.details === undefined ? {} : { details: o.details }),
      ...(o.remote ? { remote: o.remote } : {}),
    });
  }
}
