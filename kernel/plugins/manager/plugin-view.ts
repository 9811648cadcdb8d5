import { PANEL_SLOTS, type PluginManifest } from '@omega/protocol';
import { z } from 'zod';
import type { SameShape } from '../../http/route.js';
import type { PluginStatus } from '../../sandbox/index.js';
import { pluginRoutePath } from './plugin-route.js';

const PLUGIN_PHASES = [
  'disabled',
  'refused',
  'activating',
  'running',
  'crashed',
  'backoff',
  'quarantined',
  'stopped',
] as const;

const KILL_CAUSES = ['spin', 'cpu', 'memory', 'deadline', 'protocol', 'crash', 'operator'] as const;
const epochMs = z.int().describe('Epoch milliseconds');

/** {@link PluginStatus} (the sandbox's), as `runtime` documents it. */
const pluginRuntimeSchema = z.object({
  plugin: z.string(),
  version: z.string(),
  state: z.enum(['activating', 'running', 'crashed', 'backoff', 'quarantined', 'stopped']),
  since: epochMs.describe('Epoch ms of the last state change'),
  activatingMs: z.number().optional().describe('While activating: ms since it began'),
  activationPhase: z.enum(['host start', 'load', 'activate']).optional(),
  pid: z.int().optional().describe('Host process id while one is assigned'),
  restarts: z.int(),
  recentCrashes: z.int().describe("Crashes within the restart policy's window"),
  lastCrash: z.object({ at: epochMs, reason: z.string(), cause: z.enum(KILL_CAUSES) }).optional(),
  reason: z.string().optional().describe('Why the plugin is quarantined or stopped'),
  cause: z.enum(KILL_CAUSES).optional().describe('What ended the last host'),
  exports: z
    .object({
      routes: z.array(z.string()),
      services: z.array(z.string()),
      setup: z.boolean(),
      activate: z.boolean(),
      deactivate: z.boolean(),
    })
    .optional()
    .describe('What the bundle exports (names), once loaded'),
  deliveryErrors: z.int(),
  lastDeliveryError: z
    .object({ kind: z.enum(['event', 'timer']), code: z.string(), message: z.string(), at: epochMs })
    .optional(),
  deniedCalls: z.int().describe('Host calls refused by the permission gate'),
  registrations: z.object({ subscriptions: z.int(), timers: z.int() }),
  containment: z.object({
    cgroup: z.enum(['v2', 'v1', 'hybrid', 'none']),
    cpuMillicores: z.int(),
    enforced: z
      .object({ cpu: z.string().optional(), memory: z.string().optional(), pids: z.string().optional() })
      .describe('How each cap is enforced: a cgroup file, or the fallback'),
    notEnforced: z.array(z.string()),
    paths: z.record(z.string(), z.string()).optional(),
  }),
});

// The sandbox's status type and its documented schema agree both ways (a compile error otherwise).
true satisfies SameShape<PluginStatus, z.output<typeof pluginRuntimeSchema>>;

/** One declared panel as the API shows it: the declaration and the operator's decision. */
export const pluginPanelViewSchema = z.object({
  id: z.string(),
  title: z.string(),
  slot: z.enum(PANEL_SLOTS),
  topics: z.array(z.string()),
  reads: z.array(z.string()),
  actions: z.array(z.string()).describe('The ids of the actions it may ask for'),
  actionPermissions: z
    .record(z.string(), z.string())
    .describe('The permission a user needs to run each action (by id)'),
  granted: z.boolean().describe('Whether the operator granted it (PUT /api/v1/plugins/{name}/panels)'),
});

/** One plugin as `GET /api/v1/plugins/{name}` shows it (and the lifecycle routes answer). */
export const pluginViewSchema = z.object({
  name: z.string(),
  version: z.string(),
  description: z.string().optional(),
  dir: z.string().describe('Where it was loaded from'),
  enabled: z.boolean(),
  status: z.enum(PLUGIN_PHASES),
  reasons: z
    .array(z.object({ code: z.string(), message: z.string() }))
    .describe('Why it is refused, quarantined or stopped: coded, human-readable'),
  permissions: z.object({
    declared: z.array(z.string()),
    granted: z.array(z.string()),
    denied: z.array(z.string()),
    missing: z.array(z.string()),
  }),
  routes: z.array(z.object({ method: z.string(), path: z.string(), permission: z.string() })),
  services: z.array(z.string()),
  panels: z.array(pluginPanelViewSchema).describe('The UI panels it declares (issue #19)'),
  dependencies: z.record(z.string(), z.string()),
  limits: z.object({ memoryMb: z.int(), callTimeoutMs: z.int(), cpuMillicores: z.int() }),
  runtime: pluginRuntimeSchema.optional(),
});

/** Where a plugin stands, as the API shows it. */
export type PluginPhase = (typeof PLUGIN_PHASES)[number];

/** One plugin as `GET /api/v1/plugins/{name}` shows it (the type of {@link pluginViewSchema}). */
export type PluginView = z.output<typeof pluginViewSchema>;

/** One declared panel as the API shows it (the type of {@link pluginPanelViewSchema}). */
export type PluginPanelView = z.output<typeof pluginPanelViewSchema>;

/** Builds the API view of a plugin from its manifest, decisions and runtime status. */
export function pluginView(input: {
  manifest: PluginManifest;
  dir: string;
  enabled: boolean;
  reasons: Array<{ code: string; message: string }>;
  grants: { granted: string[]; denied: string[]; routes?: Record<string, string>; panels?: string[] };
  missing: string[];
  runtime?: PluginStatus;
}): PluginView {
  const { manifest: m, runtime } = input;
  const status: PluginPhase = !input.enabled
    ? 'disabled'
    : input.reasons.length > 0 && !runtime
      ? 'refused'
      : (runtime?.state ?? 'stopped');
  return {
    name: m.name,
    version: m.version,
    ...(m.description ? { description: m.description } : {}),
    dir: input.dir,
    enabled: input.enabled,
    status,
    reasons: input.reasons,
    permissions: {
      declared: m.permissions,
      granted: input.grants.granted,
      denied: input.grants.denied,
      missing: input.missing,
    },
    routes: m.routes.map((r) => ({
      method: r.method,
      path: pluginRoutePath(m.name, r.path),
      permission: input.grants.routes?.[`${r.method} ${r.path}`] ?? r.permission,
    })),
    services: m.services.map((s) => `${m.name}.${s.name}`),
    panels: (m.ui?.panels ?? []).map((p) => ({
      id: p.id,
      title: p.title,
      slot: p.slot,
      topics: [...p.topics],
      reads: [...p.reads],
      actions: p.actions.map((a) => a.id),
      actionPermissions: Object.fromEntries(p.actions.map((a) => [a.id, a.permission])),
      granted: input.grants.panels?.includes(p.id) ?? false,
    })),
    dependencies: m.dependencies,
    limits: m.limits,
    ...(runtime ? { runtime } : {}),
  };
}
