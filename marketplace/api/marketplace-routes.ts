import { omegaError, PLUGIN_NAME_RE } from '@omega/protocol';
import { z } from 'zod';
import { defineRoute, type RouteSpec } from '../../kernel/index.js';
import type { ChangeRequest, Marketplace } from '../client/create-marketplace.js';
import {
  NO_OPTIONS_BODY,
  noOptionsSchema,
  planSchema,
  pluginInfoSchema,
  pluginNameSchema,
  removedSchema,
  SOURCE_NAME_RE,
  searchResultSchema,
  sourceAddedSchema,
  sourceListSchema,
  verifyReportSchema,
} from './marketplace-schemas.js';
import { planAudit } from './plan-audit.js';

const json = (data: unknown, status = 200) =>
  new Response(JSON.stringify(data), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  });

const name = pluginNameSchema;
/** The `:name` path parameter, or 400 naming it (a thrown ZodError would be a 500). */
function nameParam(value: string | undefined): string {
  const parsed = name.safeParse(value);
  if (parsed.success) return parsed.data;
  throw omegaError(
    'OMEGA_ERR_VALIDATION',
    `Invalid path parameter: name: must match ${PLUGIN_NAME_RE.source}`,
    {
      errors: [{ field: 'name', message: `must match ${PLUGIN_NAME_RE.source}` }],
    },
  );
}
const approval = { consent: z.string().max(100).optional(), yes: z.boolean().optional() };
const P = '/api/v1/marketplace';
/** Longest `q` a search takes. */
const MAX_SEARCH_QUERY = 200;
const pluginParam = {
  name: { description: 'The plugin name', schema: { type: 'string', pattern: PLUGIN_NAME_RE.source } },
};
/** The failures every change and plan may answer (problem+json, coded). */
const changeFailures = {
  404: 'Not installed from a marketplace (upgrade, rollback), or no source is configured',
  409: 'No consistent set of versions (range, dependencies, engines), or a core plugin’s name',
  502: 'A source could not be refreshed and verified, or an artifact not downloaded (the problem names it)',
};

const installBody = z.strictObject({ name, range: z.string().max(200).optional(), ...approval });
const upgradeBody = z.strictObject({ name: name.optional(), ...approval });
const rollbackBody = z.strictObject({ name, ...approval });
const planBody = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('install'), name, range: z.string().max(200).optional() }),
  z.strictObject({ op: z.literal('upgrade'), name: name.optional() }),
  z.strictObject({ op: z.literal('rollback'), name }),
]);
const sourceBody = z.strictObject({
  name: z.string().max(40),
  location: z.string().min(1).max(2048),
  /** The root document to pin, as text or as parsed JSON. */
  root: z.union([z.string().max(256 * 1024), z.record(z.string(), z.unknown())]),
});

/** A source location as the audit trail keeps it: a URL without its user, password and query. */
export function withoutSecrets(location: string): string {
  if (!URL.canParse(location)) return location;
  const u = new URL(location);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return location;
  u.username = '';
  u.password = '';
  u.search = '';
  return u.toString();
}

/** The marketplace admin API: read routes need `plugins:read`, changes `plugins:admin`. */
export function marketplaceRoutes(m: Marketplace): RouteSpec[] {
  const change = <B extends { consent?: string; yes?: boolean }>(
    verb: string,
    body: z.ZodType<B>,
    toRequest: (b: B) => ChangeRequest,
    summary: string,
  ) =>
    defineRoute({
      method: 'POST',
      path: `${P}/${verb}`,
      permission: 'plugins:admin',
      owner: 'kernel',
      // Walk: installs, upgrades, rollbacks and removals from a marketplace left no audit record.
      audit: { topic: `plugins.admin.${verb}` },
      summary,
      body,
      responses: {
        200: {
          description: 'The plan that was carried out (no steps: nothing to change)',
          schema: planSchema,
        },
        ...changeFailures,
        409: `Consent required (the problem carries the plan and its consent digest); or ${changeFailures[409]}`,
      },
      handler: async (_c, input) => {
        const b = input.body;
        const plan = await m.apply(toRequest(b), {
          ...(b.consent ? { consent: b.consent } : {}),
          ...(b.yes ? { yes: b.yes } : {}),
        });
        input.audit = planAudit(plan);
        return json(plan);
      },
    });
  return [
    defineRoute({
      method: 'GET',
      path: `${P}/sources`,
      permission: 'plugins:read',
      owner: 'kernel',
      summary: 'Marketplace sources (URL or offline directory) in priority order',
      responses: { 200: { description: 'Every source, highest priority first', schema: sourceListSchema } },
      handler: async () => json({ items: await m.sources() }),
    }),
    defineRoute({
      method: 'POST',
      path: `${P}/sources`,
      permission: 'plugins:admin',
      owner: 'kernel',
      audit: {
        topic: 'plugins.admin.source-add',
        // A location's credentials or query (a token in a URL) never reach the trail (review).
        details: ({ body }) => ({ name: body.name, location: withoutSecrets(body.location) }),
      },
      summary: 'Add a marketplace source, pinning its root document; its metadata is verified at once',
      body: sourceBody,
      responses: {
        201: {
          description: 'Added: its root is pinned and its metadata verified',
          schema: sourceAddedSchema,
        },
      },
      handler: async (_c, input) => {
        const b = input.body;
        input.audit = { plugin: 'marketplace', target: `source:${b.name}` };
        const meta = await m.addSource({
          name: b.name,
          location: b.location,
          root: typeof b.root === 'string' ? b.root : JSON.stringify(b.root),
        });
        const added: z.output<typeof sourceAddedSchema> = {
          name: b.name,
          location: b.location,
          root: meta.root.version,
          index: meta.index.version,
        };
        return json(added, 201);
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: `${P}/sources/:name`,
      permission: 'plugins:admin',
      owner: 'kernel',
      audit: { topic: 'plugins.admin.source-remove', details: ({ params }) => ({ name: params.name }) },
      summary: 'Forget a marketplace source (its pinned root too); plugins installed from it stay installed',
      params: {
        name: { description: 'The source name', schema: { type: 'string', pattern: SOURCE_NAME_RE.source } },
      },
      responses: {
        200: { description: 'Removed', schema: removedSchema },
        400: 'Not a source name',
        404: 'No source of that name',
      },
      handler: async (c, input) => {
        input.audit = { plugin: 'marketplace', target: `source:${c.req.param('name') ?? ''}` };
        const source = c.req.param('name') ?? '';
        if (!SOURCE_NAME_RE.test(source))
          throw omegaError('OMEGA_ERR_VALIDATION', 'Invalid path parameter: name: not a source name', {
            errors: [{ field: 'name', message: `must match ${SOURCE_NAME_RE.source}` }],
          });
        return json(await m.removeSource(source));
      },
    }),
    defineRoute({
      method: 'GET',
      path: `${P}/search`,
      permission: 'plugins:read',
      owner: 'kernel',
      summary: 'Search the verified indexes of every source (?q=text)',
      query: {
        q: {
          description:
            'Text the plugin name or description contains (case-insensitive); absent or empty: every plugin',
          schema: { type: 'string', maxLength: MAX_SEARCH_QUERY },
        },
      },
      responses: {
        200: { description: 'Matching plugins, by name', schema: searchResultSchema },
        400: `q is longer than ${MAX_SEARCH_QUERY} characters`,
      },
      handler: async (c) => {
        const q = c.req.query('q') ?? '';
        if (q.length > MAX_SEARCH_QUERY)
          throw omegaError(
            'OMEGA_ERR_VALIDATION',
            `Invalid query parameter: q: at most ${MAX_SEARCH_QUERY} characters`,
            {
              errors: [{ field: 'q', message: `must be at most ${MAX_SEARCH_QUERY} characters` }],
            },
          );
        return json({ items: await m.search(q) });
      },
    }),
    defineRoute({
      method: 'GET',
      path: `${P}/plugins/:name`,
      permission: 'plugins:read',
      owner: 'kernel',
      summary:
        'Every version a source offers for a plugin: status, engines, permissions, dependencies, artifact',
      params: pluginParam,
      responses: {
        200: { description: 'Its versions, newest first, and what is installed', schema: pluginInfoSchema },
        400: 'Not a plugin name',
        404: 'No source offers it',
      },
      handler: async (c) => json(await m.info(nameParam(c.req.param('name')))),
    }),
    defineRoute({
      method: 'POST',
      path: `${P}/plan`,
      permission: 'plugins:admin',
      owner: 'kernel',
      summary:
        'What an install, upgrade or rollback would change, with the permission diff and the consent digest',
      body: planBody,
      responses: {
        200: { description: 'The plan (nothing is changed) with its consent digest', schema: planSchema },
        ...changeFailures,
      },
      handler: async (_c, { body: b }) => json(await m.plan(b as ChangeRequest)),
    }),
    change(
      'install',
      installBody,
      (b) => ({ op: 'install', name: b.name, ...(b.range ? { range: b.range } : {}) }),
      'Install name@range (and its dependencies) from a marketplace',
    ),
    change(
      'upgrade',
      upgradeBody,
      (b) => ({ op: 'upgrade', ...(b.name ? { name: b.name } : {}) }),
      'Upgrade one plugin, or every marketplace plugin',
    ),
    change(
      'rollback',
      rollbackBody,
      (b) => ({ op: 'rollback', name: b.name }),
      'Switch back to the previous version that is not revoked',
    ),
    defineRoute({
      method: 'POST',
      path: `${P}/remove`,
      permission: 'plugins:admin',
      owner: 'kernel',
      summary: 'Stop and remove a plugin installed from a marketplace',
      body: z.strictObject({
        name,
        consent: z
          .string()
          .max(64)
          .optional()
          .describe("The plugin's name, to remove the kernel's auth provider (see the 409)"),
      }),
      responses: {
        200: { description: 'Stopped and removed (its artifacts stay in the store)', schema: removedSchema },
        404: 'Not installed from a marketplace',
        409: "Other plugins depend on it (OMEGA_ERR_PLUGIN_DEPENDENCY), or it is the kernel's auth provider: repeat with consent=<name> (OMEGA_ERR_CONSENT_REQUIRED)",
      },
      audit: { topic: 'plugins.admin.remove' },
      handler: async (_c, input) => {
        const removed = await m.remove(input.body.name, input.body.consent);
        input.audit = { plugin: removed.name, target: removed.name };
        return json(removed);
      },
    }),
    defineRoute({
      method: 'POST',
      path: `${P}/verify`,
      permission: 'plugins:admin',
      owner: 'kernel',
      summary:
        'Refresh each source on its own, stop installed versions a verified source revoked, re-check stored artifacts; report the sources that failed',
      body: 'json',
      bodySchema: NO_OPTIONS_BODY,
      responses: {
        200: {
          description:
            'What was verified, what failed and each installed plugin (a failed source is reported here)',
          schema: verifyReportSchema,
        },
      },
      handler: async (_c, { body }) => {
        if (!noOptionsSchema.safeParse(body).success)
          throw omegaError(
            'OMEGA_ERR_VALIDATION',
            'Invalid body: verify takes no options (send none, or {})',
            {
              errors: [{ field: '(body)', message: 'must be absent, null or {}' }],
            },
          );
        return json(await m.verify());
      },
    }),
  ];
}
