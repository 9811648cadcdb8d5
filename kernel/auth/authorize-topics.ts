import { hasPermission, type Principal } from './principal.js';

/**
 * Topic namespaces whose events need more than `events:subscribe`: the first segment and the
 * permission a subscriber also needs. Security events (sign-ins, revocations) and the audit
 * records every plugin files (`audit.<plugin>.<action>`, with actors and source addresses) are
 * for those who may read security data, as `GET /security/audit` is.
 */
export const GUARDED_TOPICS: Readonly<Record<string, string>> = Object.freeze({
  security: 'security:read',
  audit: 'security:read',
});

/**
 * Topic namespaces whose events belong to a user (`data.owner` is a user id): the first segment
 * and the permission that reads everyone's. A subscriber without it gets only the events it
 * owns, as the plugin's own API answers it: `sessions.session.*` of its own sessions, not
 * `sessions.usage` (rows of many owners, for the metrics plugin).
 */
export const OWNED_TOPICS: Readonly<Record<string, string>> = Object.freeze({
  sessions: 'sessions-all:read',
});

/**
 * Agents' reports as the nodes plugin relays them, `{node, topic, data}`: those whose own topic
 * is about sessions (`session.state`, `session.usage`) carry every user's session state and
 * usage, so they are withheld wherever the `sessions` namespace is.
 */
const AGENT_REPORT_TOPIC = 'nodes.agent.report';
const SESSION_REPORT = /^sessions?(\.|$)/;

/** The permission subscribing to `pattern` needs (`events:subscribe:<pattern>` is checked too). */
function guardsFor(pattern: string): string[] {
  const first = pattern.split('.')[0]!;
  if (first === '*' || first === '**') return Object.values(GUARDED_TOPICS);
  const p = GUARDED_TOPICS[first];
  return p !== undefined && Object.hasOwn(GUARDED_TOPICS, first) ? [p] : [];
}

/**
 * The first pattern `principal` may not subscribe to, or null when it may subscribe to all.
 * A pattern needs `events:subscribe` (or `events:subscribe:<pattern>`), plus the guard of every
 * guarded namespace it could match: `**` or `*.x` could match `security.…`, so a viewer is
 * refused those, not silently filtered.
 */
export function authorizeTopics(principal: Principal, patterns: readonly string[]): string | null {
  for (const pattern of patterns) {
    const base =
      hasPermission(principal, 'events:subscribe') || hasPermission(principal, `events:subscribe:${pattern}`);
    if (!base) return pattern;
    for (const guard of guardsFor(pattern)) if (!hasPermission(principal, guard)) return pattern;
  }
  return null;
}

/** What {@link eventFilterFor} judges: a bus event's topic and data. */
export interface TopicEvent {
  topic: string;
  data: unknown;
}

/**
 * Which events of an owned namespace ({@link OWNED_TOPICS}) `principal` may receive, or
 * undefined when it may receive them all (it holds every namespace's read-all permission). An
 * event outside those namespaces always passes; inside one, only when its `data.owner` is the
 * principal's id. An agent's report about sessions (or of no readable topic) is withheld with
 * the `sessions` namespace.
 */
export function eventFilterFor(principal: Principal): ((event: TopicEvent) => boolean) | undefined {
  const limited = new Set<string>();
  for (const [namespace, readAll] of Object.entries(OWNED_TOPICS)) {
    if (!hasPermission(principal, readAll)) limited.add(namespace);
  }
  if (limited.size === 0) return undefined;
  const sessionReports = limited.has('sessions');
  return (event) => {
    const data = event.data as { owner?: unknown; topic?: unknown } | null;
    if (event.topic === AGENT_REPORT_TOPIC) {
      return !(sessionReports && (typeof data?.topic !== 'string' || SESSION_REPORT.test(data.topic)));
    }
    const dot = event.topic.indexOf('.');
    if (!limited.has(dot === -1 ? event.topic : event.topic.slice(0, dot))) return true;
    return typeof data === 'object' && data !== null && data.owner === principal.id;
  };
}
