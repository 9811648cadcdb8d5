import { z } from 'zod';
import { omegaError } from '../../errors/index.js';
import { defineRoute, type RouteSpec, type SameShape } from '../../http/route.js';
import { PLUGIN_NAME_RE } from '../../permissions/index.js';
import { type PluginGrants, parseGrants } from '../grants-schema.js';
import { updateGrants } from '../update-grants.js';
import { requireAuthProviderConsent } from './auth-provider-consent.js';
import type { PluginManager } from './plugin-manager.js';
import { pluginViewSchema } from './plugin-view.js';

const json = (data: unknown, status = 200) =>
  new Response(JSON.stringify(data), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  });

function nameOf(raw: string | undefined = ''): string {
  if (!PLUGIN_NAME_RE.test(raw)) {
    throw omegaError('OMEGA_ERR_VALIDATION', `"${raw.slice(0, 64)}" is not a plugin name.`, {
      errors: [{ field: 'name', message: 'must match ^[a-z][a-z0-9-]{1,39}$' }],
    });
  }
  return raw;
}

const grantsBody = z
  .object({
    granted: z.array(z.string().max(512)).max(256),
    denied: z.array(z.string().max(512)).max(256).default([]),
    routes: z.record(z.string().max(300), z.string().max(200)).optional(),
    panels: z.array(z.string().max(64)).max(16).optional(),
  })
  .strict();

/** What `PUT …/grants` answers: the plugin's entry in the grants file, canonical. */
const grantsEntry = z.object({
  granted: z.array(z.string()),
  denied: z.array(z.string()),
  routes: z.record(z.string(), z.string()).optional(),
  panels: z.array(z.string()).optional(),
});
true satisfies SameShape<PluginGrants, z.output<typeof grantsEntry>>;

const DISABLE_CONFLICT: Record<number, string> = {
  409: "It is the kernel's auth provider: repeat with ?consent=<name> (OMEGA_ERR_CONSENT_REQUIRED)",
};

/** Whether two grants entries give the same route permissions (absent: none). */
const sameRoutes = (a: PluginGrants['routes'], b: PluginGrants['routes']): boolean => {
  const canonical = (r: PluginGrants['routes']) => JSON.stringify(Object.entries(r ?? {}).sort());
  return canonical(a) === canonical(b);
};

const pluginParam = {
  name: { description: 'The plugin name', schema: { type: 'string', pattern: PLUGIN_NAME_RE.source } },
};

/** The admin API over the plugin lifecycle (`omega plugin …` calls these). */
export function pluginAdminRoutes(manager: PluginManager, grantsFile: string): RouteSpec[] {
  const action = (verb: 'enable' | 'disable' | 'reload', summary: string): RouteSpec =>
    defineRoute({
      method: 'POST',
      path: `/api/v1/plugins/:name/${verb}`,
      permission: 'plugins:admin',
      owner: 'kernel',
      summary,
      audit: { topic: `plugins.admin.${verb}` },
      params: pluginParam,
      ...(verb === 'disable'
        ? {
            query: {
              consent: {
                description: "The plugin's name, to disable the kernel's auth provider (see the 409)",
                schema: { type: 'string', maxLength: 64 },
              },
            },
          }
        : {}),
      responses: {
        200: { description: 'The plugin after the change', schema: pluginViewSchema },
        404: 'No such plugin',
        ...(verb === 'disable' ? DISABLE_CONFLICT : {}),
      },
      handler: async (c) => {
        const name = nameOf(c.req.param('name'));
        if (verb === 'disable') requireAuthProviderConsent(manager, name, c.req.query('consent'), 'disable');
        return json(await manager[verb](name));
      },
    });
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/plugins',
      permission: 'plugins:read',
      owner: 'kernel',
      summary: 'Installed plugins with status, permissions, routes and services',
      responses: {
        200: {
          description: 'Every installed plugin',
          schema: z.object({ items: z.array(pluginViewSchema) }),
        },
      },
      handler: () => json({ items: manager.list() }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/plugins/:name',
      permission: 'plugins:read',
      owner: 'kernel',
      summary: 'One plugin: status (with the reason when crashed, quarantined or refused), grants, runtime',
      params: pluginParam,
      responses: { 200: { description: 'The plugin', schema: pluginViewSchema }, 404: 'No such plugin' },
      handler: (c) => json(manager.info(nameOf(c.req.param('name')))),
    }),
    action('enable', 'Enable a plugin and start it (kept enabled across restarts)'),
    action(
      'disable',
      'Disable a plugin: remove its routes, subscriptions, timers and services, then stop its sandbox',
    ),
    action('reload', 'Reload a plugin from disk (bundle, manifest, grants) while the kernel keeps serving'),
    defineRoute({
      method: 'PUT',
      path: '/api/v1/plugins/:name/grants',
      permission: 'plugins:admin',
      owner: 'kernel',
      summary:
        "Replace the operator's grants for a plugin (stored by the kernel, never by the plugin); reload to apply",
      body: grantsBody,
      params: pluginParam,
      query: {
        consent: {
          description:
            "The plugin's name, to take auth:provider from the kernel's auth provider (see the 409)",
          schema: { type: 'string', maxLength: 64 },
        },
      },
      audit: { topic: 'plugins.admin.grants', details: ({ body }) => body },
      responses: {
        200: { description: "The plugin's grants as stored (reload it to apply them)", schema: grantsEntry },
        404: 'No such plugin',
        409: "They take auth:provider from the kernel's auth provider: repeat with ?consent=<name> (OMEGA_ERR_CONSENT_REQUIRED)",
      },
      handler: async (c, { body }) => {
        const name = nameOf(c.req.param('name'));
        manager.info(name);
        let entry: PluginGrants;
        try {
          // Validated on its own first, so a bad body is the caller's 400, not a config error.
          entry = parseGrants({ [name]: body }, 'request body')[name]!;
        } catch (err) {
          const e = err as { message: string; extras?: Record<string, unknown> };
          throw omegaError('OMEGA_ERR_VALIDATION', e.message, e.extras ?? {});
        }
        const consent = c.req.query('consent');
        const next = await updateGrants(grantsFile, name, (current) => {
          // Grants that would stop the provider at its reload, or change who reaches its routes
          // (a route permission on POST /login ends sign-in as surely), need its name (review).
          if (!manager.providesAuthWith(name, entry) || !sameRoutes(current?.routes, entry.routes))
            requireAuthProviderConsent(manager, name, consent, 'grants');
          return entry;
        });
        return json(next[name]);
      },
    }),
  ];
}
