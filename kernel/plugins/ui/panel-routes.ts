import { PANEL_ACTION_DEFAULT_PERMISSION, PANEL_SLOTS, PLUGIN_NAME_RE } from '@omega/protocol';
import { z } from 'zod';
import { hasPermission } from '../../auth/index.js';
import { omegaError } from '../../errors/index.js';
import { defineRoute, type RouteSpec } from '../../http/route.js';
import { panelIdList } from '../grants-schema.js';
import { type PluginView, pluginViewSchema } from '../manager/plugin-view.js';
import { updateGrants } from '../update-grants.js';
import { createPanelOrigins, type PanelOrigins } from './panel-origins.js';
import type { PluginUi } from './plugin-ui.js';

/** Where the panel routes find plugins and their UIs (the plugin manager). */
export interface PanelSource {
  list(): Array<{ name: string }>;
  ui(name: string): { ui: PluginUi; running: boolean; grantedPanels: readonly string[] } | undefined;
}

/** One panel the dashboard may host, as `GET /api/v1/ui/panels` lists it. */
export const hostedPanelSchema = z.object({
  plugin: z.string(),
  id: z.string(),
  title: z.string(),
  slot: z.enum(PANEL_SLOTS),
  path: z.string().describe("The panel page's path on the plugin's panel origin"),
  url: z
    .string()
    .optional()
    .describe(
      "The page's full URL for the browser that asked: on the configured panel origin for a shell reached at a public name, else on <plugin>.localhost. The shell frames exactly this URL.",
    ),
  topics: z.array(z.string()),
  reads: z.array(z.string()),
  actions: z.array(z.string()).describe('The ids of the actions it may ask for'),
  actionPermissions: z
    .record(z.string(), z.string())
    .describe('The permission the signed-in user needs to run each action (by id)'),
});

/**
 * One panel the dashboard may host (the type of {@link hostedPanelSchema}); `url` is set by
 * `GET /api/v1/ui/panels` for the browser that asked, and the shell frames exactly it.
 */
export type HostedPanel = z.output<typeof hostedPanelSchema>;

/** The topic the kernel publishes a confirmed panel action on, for the panel's own plugin to act on. */
export const panelActionTopic = (plugin: string): string => `ui.action.${plugin}`;

const json = (data: unknown, status = 200) =>
  new Response(JSON.stringify(data), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  });

/** A confirmed action's body: the declared action id and small, plain arguments. */
const actionBody = z.strictObject({
  action: z.string().max(100),
  args: z
    .record(z.string().max(64), z.union([z.string().max(1024), z.number(), z.boolean(), z.null()]))
    .refine((a) => Object.keys(a).length <= 16, 'at most 16 arguments')
    .default({}),
});

/** Why the dashboard stopped a panel (plugins/dashboard/ui/src/shell/panels/panel-spec.ts). */
const PANEL_STOP_CODES = [
  'oversize',
  'flood',
  'protocol',
  'forged-action',
  'forged-read',
  'stray-message',
  'navigated',
] as const;

const incidentBody = z.strictObject({
  code: z.enum(PANEL_STOP_CODES),
  detail: z.string().max(300).default(''),
});

const panelGrantsBody = z.strictObject({ panels: panelIdList });

const actionAccepted = z.object({
  plugin: z.string(),
  panel: z.string(),
  action: z.string(),
  args: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  by: z.string().describe('The principal who confirmed it'),
  status: z.literal('accepted'),
});

const incidentRecorded = z.object({
  plugin: z.string(),
  panel: z.string(),
  code: z.enum(PANEL_STOP_CODES),
  status: z.literal('recorded'),
});

const pluginParam = {
  description: 'The plugin name',
  schema: { type: 'string', pattern: PLUGIN_NAME_RE.source },
};
const panelParams = {
  name: pluginParam,
  panel: { description: "The panel's id (manifest ui.panels[].id)", schema: { type: 'string' } },
};

/** Plugin `name`'s granted panels while it runs (none otherwise), in declaration order. */
function hostedPanelsOf(source: PanelSource, name: string): HostedPanel[] {
  const found = source.ui(name);
  if (!found?.running) return [];
  return found.ui.panels
    .filter((p) => found.grantedPanels.includes(p.id))
    .map((p) => ({
      plugin: name,
      id: p.id,
      title: p.title,
      slot: p.slot,
      path: `/ui/${name}/${p.entry}`,
      topics: [...p.topics],
      reads: [...p.reads],
      actions: p.actions.map((a) => a.id),
      actionPermissions: Object.fromEntries(p.actions.map((a) => [a.id, a.permission])),
    }));
}

/** The panels of running plugins whose grants name them, in plugin then declaration order. */
export function hostedPanels(source: PanelSource): HostedPanel[] {
  return source.list().flatMap(({ name }) => hostedPanelsOf(source, name));
}

/**
 * The kernel's side of plugin panels (issue #19): `GET /api/v1/ui/panels` lists the panels the
 * dashboard may host (granted, plugin running); `POST /api/v1/ui/panels/:name/:panel/actions`
 * takes an action a panel requested and the signed-in user confirmed: the kernel checks that the
 * panel is granted and declares the action and that the user holds the action's declared
 * permission (default plugins:write; a refusal is published on `security.authz.denied`), audits it (`plugins.admin.panel-action`: the caller,
 * plugin, panel, action, argument names) and publishes it on `ui.action.<plugin>` for the plugin
 * to carry out with its own permissions; the listing gives each panel's `url` on the panel origin
 * (`origins`) for the host the browser asked at; `POST …/incidents` records (audited,
 * `plugins.admin.panel-stopped`) that the dashboard stopped a panel; `PUT /api/v1/plugins/:name/panels`
 * grants and revokes panels (in the grants file `grants.file`, then reloads the plugin). `publish` is the bus's.
 */
export function panelRoutes(
  source: PanelSource,
  publish: (topic: string, data: unknown) => void,
  grants: { file: string; reload(name: string): Promise<PluginView> },
  origins: PanelOrigins = createPanelOrigins(),
): RouteSpec[] {
  const find = (plugin: string, panelId: string): HostedPanel => {
    // Only the named plugin is looked at: an action or incident never walks every plugin's panels.
    const panel = PLUGIN_NAME_RE.test(plugin)
      ? hostedPanelsOf(source, plugin).find((p) => p.id === panelId)
      : undefined;
    if (!panel) {
      throw omegaError(
        'OMEGA_ERR_NOT_FOUND',
        `No granted panel "${panelId.slice(0, 40)}" of a running plugin "${plugin.slice(0, 40)}"; grant it (PUT /api/v1/plugins/<name>/grants, "panels") and reload the plugin.`,
      );
    }
    return panel;
  };
  return [
    defineRoute({
      method: 'PUT',
      path: '/api/v1/plugins/:name/panels',
      permission: 'plugins:admin',
      owner: 'kernel',
      summary:
        "Choose which of a plugin's declared UI panels the dashboard shows (the rest are revoked); reloads it",
      body: panelGrantsBody,
      audit: { topic: 'plugins.admin.panels', details: ({ body }) => body },
      params: { name: pluginParam },
      responses: {
        200: { description: 'The plugin after the change (reloaded)', schema: pluginViewSchema },
        404: 'No such plugin',
        400: 'A panel it does not declare',
      },
      handler: async (c, { body }) => {
        const name = c.req.param('name') ?? '';
        const found = PLUGIN_NAME_RE.test(name) ? source.ui(name) : undefined;
        if (!found)
          throw omegaError('OMEGA_ERR_NOT_FOUND', `No plugin "${name.slice(0, 40)}" with a UI is installed.`);
        const declared = found.ui.panels.map((p) => p.id);
        const unknown = body.panels.filter((id) => !declared.includes(id));
        if (unknown.length > 0) {
          throw omegaError(
            'OMEGA_ERR_VALIDATION',
            `Plugin "${name}" declares no panel ${unknown.join(', ')} (it declares: ${declared.join(', ') || 'none'}).`,
            { errors: [{ field: 'panels', message: 'must name declared panels' }] },
          );
        }
        await updateGrants(grants.file, name, (current) => ({
          granted: [],
          denied: [],
          ...current,
          panels: body.panels,
        }));
        return json(await grants.reload(name));
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/ui/panels',
      permission: 'plugins:read',
      owner: 'kernel',
      summary: 'The UI panels the dashboard may host: granted by the operator, of running plugins',
      responses: {
        200: {
          description: 'The hosted panels, in plugin then declaration order',
          schema: z.object({ items: z.array(hostedPanelSchema.required({ url: true })) }),
        },
      },
      handler: (c) => {
        // The origin the browser reached the kernel at decides which panel origin it is told.
        const shell = new URL(c.req.url);
        const items = hostedPanels(source).map((p) => ({
          ...p,
          url: `${origins.originFor(p.plugin, shell)}${p.path}`,
        }));
        return json({ items });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/ui/panels/:name/:panel/actions',
      // Listing panels needs plugins:read; the action itself needs its own declared permission
      // (default plugins:write), checked below against the signed-in user.
      permission: 'plugins:read',
      owner: 'kernel',
      summary:
        "Carry out an action a plugin's panel requested and the user confirmed (audited); the user needs the permission the action declares (default plugins:write)",
      body: actionBody,
      params: panelParams,
      responses: {
        202: { description: 'Audited and handed to the plugin', schema: actionAccepted },
        403: "The panel does not declare that action, or the user lacks the action's permission",
        404: 'No such granted panel of a running plugin',
      },
      audit: {
        topic: 'plugins.admin.panel-action',
        details: ({ params, body }) => ({
          plugin: params.name,
          panel: params.panel,
          action: body.action,
          args: Object.keys(body.args),
        }),
      },
      handler: (c, { body, principal }) => {
        const plugin = c.req.param('name') ?? '';
        const panelId = c.req.param('panel') ?? '';
        const panel = find(plugin, panelId);
        if (!panel.actions.includes(body.action)) {
          throw omegaError(
            'OMEGA_ERR_PERM_DENIED',
            `Panel "${plugin}/${panelId}" does not declare the action "${body.action.slice(0, 100)}" (it declares: ${panel.actions.join(', ') || 'none'}); the request was refused and recorded.`,
            { plugin, panel: panelId, action: body.action.slice(0, 100), declared: panel.actions },
          );
        }
        const needed = panel.actionPermissions[body.action] ?? PANEL_ACTION_DEFAULT_PERMISSION;
        // The plugin acts with its own permissions: only a user who may do this themselves may ask.
        if (!principal || !hasPermission(principal, needed)) {
          publish('security.authz.denied', {
            principal: principal?.id ?? 'anonymous',
            kind: principal?.kind ?? 'none',
            permission: needed,
            method: c.req.method,
            path: c.req.path,
          });
          throw omegaError(
            'OMEGA_ERR_FORBIDDEN',
            `The action "${body.action}" of panel "${plugin}/${panelId}" needs the permission "${needed}"; ask an administrator for a role with it. The refusal was recorded.`,
            { permission: needed, plugin, panel: panelId, action: body.action },
          );
        }
        const request = {
          panel: panelId,
          action: body.action,
          args: body.args,
          by: principal.id,
        };
        publish(panelActionTopic(plugin), request);
        return json(
          { plugin, ...request, status: 'accepted' } satisfies z.output<typeof actionAccepted>,
          202,
        );
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/ui/panels/:name/:panel/incidents',
      permission: 'plugins:read',
      owner: 'kernel',
      summary: 'Report that the dashboard stopped a panel that broke its rules (audited for the operator)',
      body: incidentBody,
      params: panelParams,
      responses: {
        202: { description: 'Recorded', schema: incidentRecorded },
        404: 'No such granted panel of a running plugin',
      },
      audit: {
        topic: 'plugins.admin.panel-stopped',
        details: ({ params, body }) => ({
          plugin: params.name,
          panel: params.panel,
          code: body.code,
          detail: body.detail,
        }),
      },
      handler: (c, { body }) => {
        const panel = find(c.req.param('name') ?? '', c.req.param('panel') ?? '');
        const recorded: z.output<typeof incidentRecorded> = {
          plugin: panel.plugin,
          panel: panel.id,
          code: body.code,
          status: 'recorded',
        };
        return json(recorded, 202);
      },
    }),
  ];
}
