import type { Plan } from '../resolve/index.js';

/**
 * What a carried-out plan's audit record names: the plugin asked for (steps come in dependency
 * order, so it may not be the first: review) — else, for an upgrade of everything, the first — as
 * `name@from→to`, and how many more steps the plan had.
 */
export function planAudit(plan: Plan): { plugin?: string; target?: string } {
  const asked = plan.request.name;
  const first = plan.steps.find((s) => s.name === asked) ?? plan.steps[0];
  if (!first) return {};
  const more = plan.steps.length > 1 ? ` (+${plan.steps.length - 1})` : '';
  return {
    plugin: first.name,
    target: `${first.name}@${first.from ? `${first.from}→` : ''}${first.to}${more}`,
  };
}
