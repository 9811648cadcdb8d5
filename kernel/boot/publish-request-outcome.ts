import type { EventBus } from '../bus/index.js';
import type { RequestOutcome } from '../http/create-app.js';

/** Bus events for the audit trail from what the HTTP layer observed (see RequestOutcome). */
export function publishRequestOutcome(bus: EventBus, o: RequestOutcome): void {
  if (o.type === 'authn-failed') {
    const { type: _t, ...rest } = o;
    bus.publish('security.authn.failed', rest);
  } else if (o.type === 'authz-denied') {
    bus.publish('security.authz.denied', {
      principal: o.principal.id,
      kind: o.principal.kind,
      permission: o.permission,
      method: o.method,
      path: o.path,
      ...(o.remote ? { remote: o.remote } : {}),
    });
  } else if (o.route.owner === 'kernel' && o.route.path.startsWith('/api/v1/plugins/')) {
    // Plugin lifecycle administration: /api/v1/plugins/:name/<verb>, /api/v1/plugins/install.
    const segments = o.route.path.split('/');
    const verb = segments[5] ?? segments[4] ?? 'change';
    const body = o.body as { name?: unknown } | undefined;
    bus.publish(`plugins.admin.${verb.replace(/[^a-z0-9_-]/g, '')}`, {
      actor: o.principal?.id ?? 'anonymous',
      plugin: o.params.name ?? (typeof body?.name === 'string' ? body.name : 'unknown'),
      status: 'success',
      httpStatus: o.status,
      ...(verb === 'grants' ? { details: o.body } : {}),
      ...(o.remote ? { remote: o.remote } : {}),
    });
  }
}
