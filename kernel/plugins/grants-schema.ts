import { fieldErrors } from '@omega/protocol';
import { z } from 'zod';
import { hasErrorCode, omegaError } from '../errors/index.js';
import { formatCapability, PLUGIN_NAME_RE, parseCapability } from '../permissions/index.js';

/** What the operator decided for one plugin; permission strings are canonical. */
export interface PluginGrants {
  granted: string[];
  denied: string[];
  /**
   * The operator's choice of who may call a route, overriding the manifest's permission:
   * `"GET /prometheus": "public"` lets a scraper in without a token, `"metrics:scrape-lan"`
   * gives it a permission of its own. Keys are the manifest's method and path.
   */
  routes?: Record<string, string>;
  /**
   * The ids of the plugin's declared UI panels (manifest `ui.panels`) the operator lets the
   * dashboard show (issue #19): a panel is a capability like any other, absent means none.
   */
  panels?: string[];
}

/** The grants file: plugin name → decisions. Kept by the kernel, never by a plugin. */
export type Grants = Record<string, PluginGrants>;

const permissionList = z
  .array(
    z.string().transform((s, ctx) => {
      try {
        return formatCapability(parseCapability(s));
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: hasErrorCode(err) ? err.message : 'invalid permission' });
        return z.NEVER;
      }
    }),
  )
  .transform((list) => [...new Set(list)]);

/** `GET /path` as in the manifest → `public` or an RBAC permission. */
const routeOverrides = z.record(
  z
    .string()
    .regex(
      /^(GET|POST|PUT|PATCH|DELETE) \/[^\s]{0,255}$/,
      'must be "<METHOD> <manifest path>", e.g. "GET /prometheus"',
    ),
  z
    .string()
    .regex(
      /^(public|[a-z][a-z0-9-]*(:[a-z][a-z0-9-]*)+)$/,
      'must be "public" or an RBAC permission such as "metrics:scrape"',
    ),
);

/** Panel ids as the grants file and `PUT /api/v1/plugins/:name/panels` take them (the manifest's `ui.panels[].id`), deduplicated. */
export const panelIdList = z
  .array(z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'is not a panel id'))
  .max(16)
  .transform((list) => [...new Set(list)]);

const grantsSchema = z.record(
  z.string().regex(PLUGIN_NAME_RE, 'is not a valid plugin name'),
  z.strictObject({
    granted: permissionList.default([]),
    denied: permissionList.default([]),
    routes: routeOverrides.optional(),
    panels: panelIdList.optional(),
  }),
);

/**
 * Validates a grants document (`{ "<plugin>": { "granted": [...], "denied": [...] } }`) and
 * canonicalises its permission strings. Throws OMEGA_ERR_CONFIG_INVALID naming the file and
 * the field (`nodes.granted[2]`).
 */
export function parseGrants(doc: unknown, file: string): Grants {
  const result = grantsSchema.safeParse(doc);
  if (result.success) return result.data;
  const errors = fieldErrors(result.error);
  const first = errors[0] ?? { field: '(root)', message: 'invalid' };
  throw omegaError('OMEGA_ERR_CONFIG_INVALID', `${file}: ${first.field}: ${first.message}`, {
    file,
    field: first.field,
    errors,
  });
}
