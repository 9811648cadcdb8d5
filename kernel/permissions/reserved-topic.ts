import { KERNEL_TOPICS } from '../events/kernel-topics.js';

/**
 * Topic roots only the kernel publishes on: its own life (`kernel.*`), plugin states and the
 * admin trail (`plugins.*`), actions a user confirmed in a panel (`ui.*`) and operator events
 * (`ops.*`, published for POST /api/v1/events). Consumers act on them as facts — the security
 * plugin records `plugins.admin.*` as admin actions with the actor in the payload, a plugin
 * carries out `ui.action.<plugin>` as confirmed by the user named in it — so no plugin may
 * publish there, whatever it was granted.
 */
export const KERNEL_TOPIC_ROOTS: readonly string[] = ['kernel', 'plugins', 'ui', 'ops'];

/** Single topics the kernel publishes under a plugin's root (the security plugin records them). */
const KERNEL_TOPICS_ELSEWHERE: readonly string[] = [KERNEL_TOPICS.authnFailed, KERNEL_TOPICS.authzDenied];

/**
 * Why `plugin` may not publish on the concrete `topic` even when a grant covers it, or
 * undefined when only the grants decide. Besides the kernel's topics (above), the audit
 * namespace is per plugin: `audit.<x>.<action>` is recorded as an action of plugin x, so only
 * x may publish it.
 */
export function reservedTopicReason(plugin: string, topic: string): string | undefined {
  const dot = topic.indexOf('.');
  const root = dot === -1 ? topic : topic.slice(0, dot);
  if (KERNEL_TOPIC_ROOTS.includes(root) || KERNEL_TOPICS_ELSEWHERE.includes(topic)) {
    return `${root}.* topics are published by the kernel only`;
  }
  if (root === 'audit') {
    const next = topic.indexOf('.', dot + 1);
    const owner = dot === -1 ? '' : topic.slice(dot + 1, next === -1 ? undefined : next);
    if (owner !== plugin || next === -1) {
      return `audit records are written in the name of the plugin the topic names; "${plugin}" writes only audit.${plugin}.<action>`;
    }
  }
  return undefined;
}
