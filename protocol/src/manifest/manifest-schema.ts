import semver from 'semver';
import { z } from 'zod';
import { formatCapability, PLUGIN_NAME_RE, parseCapability, SERVICE_NAME_RE } from '../capabilities/index.js';
import { hasErrorCode } from '../errors/index.js';
import { validatePattern } from '../events/validate-topic.js';
import { isReservedPluginName } from './reserved-names.js';
import { routePathProblem, routeShapeKey } from './route-path.js';
import { routeSchemasSchema } from './route-schemas.js';
import { isUiPath } from './ui-path.js';

/** `a/./b//c` → `a/b/c` for a relative path already known to hold no `..` (node's posix.normalize, minus the parts that cannot occur). */
function normalizeRelativePath(p: string): string {
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  return parts.length === 0 ? '.' : `${parts.join('/')}${p.endsWith('/') ? '/' : ''}`;
}

/** HTTP methods a plugin route may use. */
export const ROUTE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * A handler's name: an identifier, at most 128 characters (it travels in every call frame's
 * meta, which the wire bounds; a longer one would fail every call to its route).
 */
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]{0,127}$/;
/** An RBAC permission a caller needs, e.g. `nodes:read` or `sessions:admin:write`. */
const RBAC = /^[a-z][a-z0-9-]*(:[a-z][a-z0-9-]*)+$/;
/** Subresource-integrity form of a SHA-512 digest: 64 bytes in base64 are 88 characters. */
const INTEGRITY = /^sha512-[A-Za-z0-9+/]{86}==$/;

const pluginName = z
  .string()
  .regex(PLUGIN_NAME_RE, 'must be 2–40 characters of [a-z0-9-], starting with a letter')
  .refine((n) => !isReservedPluginName(n), 'is reserved for the kernel (its routes or its storage)');
const semverRange = z
  .string()
  .refine((r) => semver.validRange(r) !== null, 'must be a valid semver range, e.g. "^1.2.0"');
const text = (max: number) => z.string().max(max);

const entryPath = z.string().superRefine((p, ctx) => {
  const bad = (message: string) => ctx.addIssue({ code: 'custom', message });
  if (p === '' || p.includes('\\') || p.includes('\0')) return bad('must be a relative POSIX path');
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) return bad('must be relative to the plugin folder');
  if (p.split('/').includes('..')) return bad('must not contain ".."');
  const n = normalizeRelativePath(p);
  if (n === '.' || n.endsWith('/')) return bad('must name a file');
});

const permissionString = z.string().superRefine((s, ctx) => {
  try {
    parseCapability(s);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: hasErrorCode(err) ? err.message : 'invalid permission' });
  }
});

const routeSchema = z.strictObject({
  method: z.enum(ROUTE_METHODS),
  path: z.string().superRefine((p, ctx) => {
    const problem = routePathProblem(p);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  }),
  handler: z
    .string()
    .regex(IDENTIFIER, 'must be an identifier exported by the plugin (at most 128 characters)'),
  permission: z
    .string({
      error: 'every route must name the RBAC permission a caller needs (e.g. "nodes:read") or "public"',
    })
    .refine(
      (p) => p === 'public' || RBAC.test(p),
      'must be an RBAC permission like "nodes:read", or "public"',
    ),
  summary: text(200).optional(),
  /** JSON Schemas of the body, query, path parameters and responses (validated and documented by the kernel). */
  schemas: routeSchemasSchema.optional(),
});

const serviceSchema = z.strictObject({
  name: z
    .string()
    .regex(SERVICE_NAME_RE, 'must be 1–64 characters of [a-zA-Z0-9_-], starting with a lowercase letter'),
  handler: z
    .string()
    .regex(IDENTIFIER, 'must be an identifier exported by the plugin (at most 128 characters)')
    .optional(),
  summary: text(200).optional(),
});

const UI_PATH_RULE = 'plain "/"-separated names (no "..", dot-files, "\\\\" or control characters)';
const uiFile = z.string().refine(isUiPath, `must be a relative path of ${UI_PATH_RULE}`);
/** A folder under the UI root, written with or without its trailing "/"; comes out with it. */
const uiFolder = z
  .string()
  .transform((p) => p.replace(/\/$/, ''))
  .refine(isUiPath, `must be a relative folder path of ${UI_PATH_RULE}`);

/** Where a panel may be placed in the dashboard. */
export const PANEL_SLOTS = ['dashboard', 'node-page', 'session-page', 'tab'] as const;

const topicPatternString = z.string().superRefine((s, ctx) => {
  try {
    validatePattern(s);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: hasErrorCode(err) ? err.message : 'invalid topic pattern' });
  }
});

/** The permission a user needs to run a panel action that names none (issue #19). */
export const PANEL_ACTION_DEFAULT_PERMISSION = 'plugins:write';

const actionId = z
  .string()
  .regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/, 'must be an action id such as "sessions.terminate"');
const rbacPermission = z.string().regex(RBAC, 'must be an RBAC permission like "sessions:write"');

/**
 * One panel a plugin contributes to the dashboard (issue #19). What it may be shown is declared
 * here — event topics, API reads, actions it may ask the user to confirm — and the shell gives it
 * nothing else. Its files live under `ui.panelRoot` and are served only on the plugin's own
 * panel origin, never on the kernel's.
 */
const panelSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be 1–40 characters of [a-z0-9-], starting with a letter'),
  title: z.string().min(1).max(80),
  slot: z.enum(PANEL_SLOTS),
  /** The panel's page, relative to `ui.root` and under `ui.panelRoot`. */
  entry: uiFile,
  /** Event topic patterns whose events the shell may pass to the panel. */
  topics: z.array(topicPatternString).max(32).default([]),
  /** API paths (GET, under /api/v1/) whose answers the shell may pass to the panel. */
  reads: z
    .array(
      z
        .string()
        .regex(/^\/api\/v1(\/[A-Za-z0-9._~:{}-]+)+$/, 'must be an API path such as "/api/v1/nodes/{id}"'),
    )
    .max(32)
    .default([]),
  /**
   * Actions the panel may ask for; the shell asks the user to confirm each, and the kernel audits
   * it. Each is an id (`"nodes.cordon"`: the user needs {@link PANEL_ACTION_DEFAULT_PERMISSION}) or
   * `{ id, permission }`: the permission the signed-in user must hold for the kernel to carry it
   * out (the plugin then acts with its own permissions). Comes out as `{ id, permission }`.
   */
  actions: z
    .array(
      z
        .union([actionId, z.strictObject({ id: actionId, permission: rbacPermission })])
        .transform((a) =>
          typeof a === 'string' ? { id: a, permission: PANEL_ACTION_DEFAULT_PERMISSION } : a,
        ),
    )
    .max(16)
    .default([]),
});

/** `ui`: the plugin's static browser UI, a folder of the plugin that the kernel serves under /ui/<name>/. */
const uiSchema = z.strictObject({
  /** The folder, relative to the plugin folder, e.g. `dist/ui`. */
  root: uiFolder,
  /** The page served for `/ui/<name>/`, relative to `root`. */
  entry: uiFile.default('index.html'),
  /** computeUiIntegrity (@omega/protocol/archive) of every file under `root`, written by the build. */
  integrity: z
    .string()
    .regex(INTEGRITY, 'must be "sha512-" followed by the base64 SHA-512 of the UI files listing'),
  /** Folders under `root` whose file names carry their content hash: served `immutable`. */
  immutable: z
    .array(uiFolder.transform((p) => `${p}/`))
    .max(16)
    .default(['assets/']),
  /** The folder under `root` that holds the panels' files (served only on the panel origin). */
  panelRoot: uiFolder.transform((p) => `${p}/`).default('panels/'),
  panels: z.array(panelSchema).max(16).default([]),
});

const limitsSchema = z.strictObject({
  memoryMb: z.number().int().min(8).max(1024).default(64),
  callTimeoutMs: z.number().int().min(10).max(60_000).default(5_000),
  /** CPU share of the plugin's host, millicores (1000 = one core): a cgroup cap, or the CPU credit's rate. */
  cpuMillicores: z.number().int().min(100).max(8_000).default(500),
});

/** The plugin.json schema; permissions come out canonical (see parseCapability). */
export const manifestSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: pluginName,
    version: z.string().refine((v) => semver.valid(v) === v, 'must be a semver version such as "1.2.3"'),
    description: text(500).optional(),
    author: text(200).optional(),
    license: text(100).optional(),
    engines: z.strictObject({ omega: semverRange }),
    main: entryPath,
    integrity: z.string().regex(INTEGRITY, 'must be "sha512-" followed by the base64 SHA-512 of the bundle'),
    permissions: z.array(permissionString).default([]),
    routes: z.array(routeSchema).default([]),
    services: z.array(serviceSchema).default([]),
    dependencies: z.record(pluginName, semverRange).default({}),
    limits: limitsSchema.prefault({}),
    ui: uiSchema.optional(),
  })
  .transform((m, ctx) => {
    const permissions = [...new Set(m.permissions.map((s) => formatCapability(parseCapability(s))))];
    if (m.routes.length > 0 && !permissions.includes('http:routes')) {
      ctx.addIssue({
        code: 'custom',
        path: ['routes'],
        message: 'declaring routes needs "http:routes" in permissions',
      });
    }
    const seenRoutes = new Map<string, number>();
    m.routes.forEach((r, i) => {
      if (r.schemas?.body !== undefined && (r.method === 'GET' || r.method === 'DELETE'))
        ctx.addIssue({
          code: 'custom',
          path: ['routes', i, 'schemas', 'body'],
          message: `a ${r.method} route takes no body (the kernel reads none)`,
        });
      const pathParams = new Set(
        r.path
          .split('/')
          .filter((s) => s.startsWith(':'))
          .map((s) => s.slice(1)),
      );
      for (const name of Object.keys((r.schemas?.params?.properties as object | undefined) ?? {}))
        if (!pathParams.has(name))
          ctx.addIssue({
            code: 'custom',
            path: ['routes', i, 'schemas', 'params', 'properties', name],
            message: `is not a parameter of the path ${r.path}`,
          });
      const key = routeShapeKey(r.method, r.path);
      const first = seenRoutes.get(key);
      if (first === undefined) seenRoutes.set(key, i);
      else
        ctx.addIssue({
          code: 'custom',
          path: ['routes', i],
          message: `duplicates routes[${first}] (${r.method} ${r.path})`,
        });
    });
    const seenServices = new Map<string, number>();
    m.services.forEach((s, i) => {
      const first = seenServices.get(s.name);
      if (first === undefined) seenServices.set(s.name, i);
      else
        ctx.addIssue({
          code: 'custom',
          path: ['services', i, 'name'],
          message: `duplicates services[${first}].name`,
        });
    });
    if (Object.hasOwn(m.dependencies, m.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['dependencies', m.name],
        message: 'a plugin cannot depend on itself',
      });
    }
    const main = normalizeRelativePath(m.main);
    // The kernel serves everything under ui.root to anyone: the bundle stays out of it.
    if (m.ui && main.startsWith(`${m.ui.root}/`))
      ctx.addIssue({ code: 'custom', path: ['ui', 'root'], message: `must not contain main (${main})` });
    const panelIds = new Set<string>();
    m.ui?.panels.forEach((p, i) => {
      if (panelIds.has(p.id))
        ctx.addIssue({
          code: 'custom',
          path: ['ui', 'panels', i, 'id'],
          message: `duplicates panel "${p.id}"`,
        });
      panelIds.add(p.id);
      const actionIds = p.actions.map((a) => a.id);
      actionIds.forEach((id, j) => {
        if (actionIds.indexOf(id) !== j)
          ctx.addIssue({
            code: 'custom',
            path: ['ui', 'panels', i, 'actions', j],
            message: `duplicates action "${id}"`,
          });
      });
      if (!p.entry.startsWith(m.ui?.panelRoot ?? ''))
        ctx.addIssue({
          code: 'custom',
          path: ['ui', 'panels', i, 'entry'],
          message: `must be under ui.panelRoot (${m.ui?.panelRoot})`,
        });
    });
    if (m.ui?.entry.startsWith(m.ui.panelRoot))
      ctx.addIssue({ code: 'custom', path: ['ui', 'entry'], message: 'must not be under ui.panelRoot' });
    const { $schema: _schema, ...rest } = m;
    return { ...rest, main, permissions };
  });

/** A validated plugin manifest. */
export type PluginManifest = z.output<typeof manifestSchema>;
/** One declared HTTP route of a manifest. */
export type PluginRoute = PluginManifest['routes'][number];
/** The `ui` declaration of a manifest. */
export type PluginUiDeclaration = NonNullable<PluginManifest['ui']>;
/** One panel of a manifest's `ui.panels`. */
export type PluginPanel = PluginUiDeclaration['panels'][number];
/** One action of a panel, normalized: its id and the permission a user needs to run it. */
export type PluginPanelAction = PluginPanel['actions'][number];
/** One declared service of a manifest. */
export type PluginService = PluginManifest['services'][number];
