import type { PluginManifest } from '@omega/protocol';
import type { PluginStatus } from '../../sandbox/index.js';
import { pluginRoutePath } from './plugin-route.js';

/** Where a plugin stands, as the API shows it. */
export type PluginPhase =
  | 'disabled'
  | 'refused'
  | 'activating'
  | 'running'
  | 'crashed'
  | 'backoff'
  | 'quarantined'
  | 'stopped';

/** One plugin as `GET /api/v1/plugins/{name}` shows it. */
export interface PluginView {
  name: string;
  version: string;
  description?: string;
  dir: string;
  enabled: boolean;
  status: PluginPhase;
  /** Why it is refused, quarantined or stopped: coded, human-readable. */
  reasons: Array<{ code: string; message: string }>;
  permissions: { declared: string[]; granted: string[]; denied: string[]; missing: string[] };
  routes: Array<{ method: string; path: string; permission: string }>;
  services: string[];
  /** The UI panels it declares (issue #19), each with what it may be shown and whether the operator granted it. */
  panels: Array<PluginPanelView>;
  dependencies: Record<string, string>;
  limits: PluginManifest['limits'];
  runtime?: PluginStatus;
}

/** One declared panel as the API shows it: the declaration and the operator's decision. */
export interface PluginPanelView {
  id: string;
  title: string;
  slot: string;
  topics: string[];
  reads: string[];
  actions: string[];
  granted: boolean;
}

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
