/**
 * The topics the resources plugin publishes (payloads: ./event-schemas.ts, docs/events.md). The
 * publishing code names them from here; this file holds no schema, so nothing of zod reaches
 * the bundle.
 */
export const RESOURCES_TOPICS = {
  updated: 'resources.updated',
  problemRaised: 'resources.problem.raised',
  problemCleared: 'resources.problem.cleared',
  series: 'resources.series',
  networkUpdated: 'network.updated',
  linkChanged: 'network.link.changed',
  nodeQuality: 'network.node.quality',
} as const;
