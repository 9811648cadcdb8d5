import type { AuditInput } from './audit-log.js';
import type { Ctx } from './context.js';
import type { State } from './state.js';

type Data = Record<string, unknown>;
const s = (v: unknown): string | undefined => (typeof v === 'string' ? v.slice(0, 256) : undefined);

/**
 * Kernel events that belong in the audit trail, and how each becomes an entry: token misuse
 * and authorization denials (published by the kernel's HTTP layer), sandbox permission
 * denials and quarantines, plugin lifecycle administration, and plugins' own records
 * (`audit.<plugin>.<action>`: nodes, sessions, metrics).
 */
const MAPPERS: Record<string, (topic: string, d: Data) => AuditInput> = {
  'security.authn.failed': (_t, d) => ({
    actor: 'anonymous',
    action: 'token.misuse',
    outcome: 'denied',
    target: `${s(d.method)} ${s(d.path)}`,
    ...(s(d.remote) ? { source: s(d.remote)! } : {}),
    details: { code: s(d.code), reason: s(d.reason) },
  }),
  'security.authz.denied': (_t, d) => ({
    actor: s(d.principal) ?? 'unknown',
    action: 'authz.denied',
    outcome: 'denied',
    target: `${s(d.method)} ${s(d.path)}`,
    ...(s(d.remote) ? { source: s(d.remote)! } : {}),
    details: { permission: s(d.permission), kind: s(d.kind) },
  }),
  'plugins.permission.denied': (_t, d) => ({
    actor: s(d.plugin) ?? 'plugin',
    action: 'sandbox.permission.denied',
    outcome: 'denied',
    target: s(d.call) ?? 'host call',
    details: { descriptor: d.descriptor ?? null, version: s(d.version) },
  }),
  'plugins.plugin.quarantined': (_t, d) => ({
    actor: 'kernel',
    action: 'sandbox.quarantined',
    outcome: 'failure',
    // `name@version` for an install (the archive said which), else the plugin named in the path.
    target: s(d.target) ?? s(d.plugin) ?? 'plugin',
    details: { reason: d.reason ?? null },
  }),
  'plugins.admin': (t, d) => ({
    actor: s(d.actor) ?? 'unknown',
    action: `plugin.${t.split('.')[2] ?? 'admin'}`,
    outcome: d.status === 'success' ? 'success' : 'failure',
    // `name@version` for an install (the archive said which), else the plugin named in the path.
    target: s(d.target) ?? s(d.plugin) ?? 'plugin',
    ...(s(d.remote) ? { source: s(d.remote)! } : {}),
    ...(d.details !== undefined ? { details: { change: d.details } } : {}),
  }),
  // `audit.<plugin>.<action>`: a plugin's own audit records. Only a plugin granted
  // events:publish:audit.<plugin>.** can publish them, so the action is taken from the topic
  // (never from the payload) and names the plugin.
  audit: (t, d) => ({
    actor: s(d.actor) ?? 'unknown',
    action: t.slice('audit.'.length, 'audit.'.length + 128),
    outcome: d.outcome === 'failure' || d.outcome === 'denied' ? d.outcome : 'success',
    target: s(d.target) ?? 'unknown',
    ...(s(d.source) ? { source: s(d.source)! } : {}),
    ...(d.details !== null && typeof d.details === 'object' ? { details: boundedDetails(d.details) } : {}),
  }),
};

/** Details of at most 4 KiB as JSON; larger ones are replaced by a note (the trail stays small). */
function boundedDetails(details: object): Record<string, unknown> {
  const text = JSON.stringify(details);
  return text.length <= 4_096 ? (JSON.parse(text) as Record<string, unknown>) : { truncated: text.length };
}

/** The topics the plugin subscribes to (declared as events:subscribe in plugin.json). */
export const AUDITED_TOPICS = [
  'security.authn.failed',
  'security.authz.denied',
  'plugins.permission.denied',
  'plugins.plugin.quarantined',
  'plugins.admin.*',
  'audit.**',
];

/** Subscribes the audit trail to the kernel's events. */
export async function auditKernelEvents(ctx: Ctx, s: State): Promise<void> {
  for (const pattern of AUDITED_TOPICS) {
    await ctx.events.subscribe(pattern, async (e) => {
      const key = e.topic.startsWith('plugins.admin.')
        ? 'plugins.admin'
        : e.topic.startsWith('audit.')
          ? 'audit'
          : e.topic;
      const map = MAPPERS[key];
      if (!map || e.data === null || typeof e.data !== 'object') return;
      await s.audit.append(map(e.topic, e.data as Data));
    });
  }
}
