import type { Plan } from '../resolve/index.js';

/**
 * What a carried-out plan's audit record names: its first plugin (the one asked for; its
 * dependencies follow it) as `name@from→to`, and how many more steps the plan had.
 */
export function planAudit(plan: Plan): { plugin?: string; target?: string } {
  const first = plan.steps[0];
  if (!first) return {};
  const more = plan.steps.length > 1 ? ` (+${plan.steps.length - 1})` : '';
  return {
    plugin: first.name,
    target: `${first.name}@${first.from ? `${first.from}→` : ''}${first.to}${more}`,
  };
}
