import { manifestSchema, PLUGIN_NAME_RE } from '@omega/protocol';
import { z } from 'zod';
import {
  integritySchema,
  releaseStatementSchema,
  releaseStatusSchema,
} from '../metadata/metadata-schemas.js';

/*
 * The marketplace API's answers as zod schemas: the routes document them in the OpenAPI
 * document (marketplace-routes.ts), the route test holds every real answer against them with
 * ajv, and tests/marketplace/route-schema-types.test-d.ts proves (with tsc) that each one is
 * exactly the JSON of the client's result type, so neither can change without the other.
 */

/** A plugin name (the kernel's PLUGIN_NAME_RE). */
export const pluginNameSchema = z.string().regex(PLUGIN_NAME_RE, 'must be a plugin name');
/** A marketplace source's name. */
export const SOURCE_NAME_RE = /^[a-z][a-z0-9-]{0,39}$/;
const sourceName = z.string().regex(SOURCE_NAME_RE).describe('A marketplace source name');
const version = z.string().min(1).describe('A semver version');
/** Where a source is: the answers name a source by its location (the `location` it was added with). */
const sourceLocation = z.string().min(1).describe('The source’s location: an http(s) URL or a directory');

const publisherRef = z.object({
  kid: z.string().describe("The publisher key's JWK thumbprint"),
  name: z.string().optional(),
});

/** What changes in what a plugin may do (PermissionDiff): the diff the operator approves. */
export const permissionDiffSchema = z.object({
  added: z.array(z.string()).describe('New capabilities unrelated to any approved one'),
  widened: z
    .array(z.object({ from: z.string(), to: z.string() }))
    .describe('Approved capabilities replaced by a broader one'),
  removed: z.array(z.string()).describe('Approved capabilities no longer asked for (or narrowed)'),
  limits: z
    .array(z.object({ limit: z.string(), from: z.number().nullable(), to: z.number() }))
    .describe('Resource limits that grow (from: null when there was none)'),
  publisher: z
    .object({ from: publisherRef.nullable(), to: publisherRef })
    .describe('Set when the signing publisher key differs from the installed version’s')
    .optional(),
  panels: z.object({ added: z.array(z.string()), removed: z.array(z.string()) }),
  routes: z
    .array(z.object({ route: z.string(), from: z.string().optional(), to: z.string() }))
    .describe(
      'Routes whose callers need another permission than now (`to` may be `public`), and new routes (no `from`; a fresh install lists its public ones)',
    ),
  endsSignIn: z
    .enum(['permission', 'service'])
    .describe(
      'Set when the installed version can answer sign-in and this one cannot: it drops auth:provider (`permission`) or the auth-provider service (`service`)',
    )
    .optional(),
  escalating: z
    .boolean()
    .describe('True when any of the above asks for more than is approved, or the version ends sign-in'),
});

/** One step of a plan (PlanStep). */
export const planStepSchema = z.object({
  name: pluginNameSchema,
  from: version.describe('The version installed now (absent: a fresh install)').optional(),
  to: version,
  source: z
    .string()
    .min(1)
    .describe('The marketplace source’s location (URL or directory), or `file` for an uploaded archive'),
  publisher: z.string(),
  artifact: integritySchema.describe('sha512 integrity of exactly the bytes that will be installed'),
  diff: permissionDiffSchema,
});

/** What a change would do, with the digest that approves exactly it (Plan). */
export const planSchema = z.object({
  request: z.discriminatedUnion('op', [
    z.object({ op: z.literal('install'), name: pluginNameSchema, range: z.string().optional() }),
    z.object({ op: z.literal('upgrade'), name: pluginNameSchema.optional() }),
    z.object({ op: z.literal('rollback'), name: pluginNameSchema }),
    z.object({ op: z.literal('file'), name: pluginNameSchema, upgrade: z.boolean().optional() }),
  ]),
  steps: z.array(planStepSchema).describe('In the order they are applied; none: nothing to change'),
  escalating: z.boolean().describe('True when a step asks for more than is approved: only consent lets it'),
  consent: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/)
    .describe('sha256 (base64url) of the request and steps: send it back to approve exactly this plan'),
});

/** `GET /marketplace/sources`: the sources in priority order. */
export const sourceListSchema = z.object({
  items: z.array(
    z.object({ name: sourceName, location: z.string().describe('An http(s) URL or a directory') }),
  ),
});

/** `POST /marketplace/sources`: the source added, with the versions of its pinned root and verified index. */
export const sourceAddedSchema = z.object({
  name: sourceName,
  location: z.string(),
  root: z.int().min(1).describe('Version of the pinned root document'),
  index: z.int().min(1).describe('Version of the index verified at once'),
});

/** What a removal answers (a plugin or a source). */
export const removedSchema = z.object({ name: z.string(), removed: z.boolean().describe('Always true') });

/** `GET /marketplace/search`: matching plugins, one per name, from the first source that offers it. */
export const searchResultSchema = z.object({
  items: z.array(
    z.object({
      name: pluginNameSchema,
      description: z.string().optional(),
      publisher: z.string(),
      source: sourceLocation,
      latest: version.describe('The newest version neither yanked nor revoked (absent: none)').optional(),
      versions: z.int().min(0).describe('How many versions the source lists'),
    }),
  ),
});

const revokedSchema = z.object({ version, reason: z.string(), at: releaseStatusSchema.shape.at });

/** `GET /marketplace/plugins/{name}`: every version a source offers, newest first, and what is installed. */
export const pluginInfoSchema = z.object({
  name: pluginNameSchema,
  source: sourceLocation,
  publisher: z.string(),
  installed: z
    .object({
      version,
      revoked: revokedSchema.describe('Set when the installed version was revoked and stopped').optional(),
    })
    .describe('Absent: not installed from a marketplace')
    .optional(),
  versions: z.array(
    z.object({
      version,
      status: releaseStatusSchema.describe('Yanked or revoked by the marketplace owner').optional(),
      engines: z.string().describe('The Omega versions it supports (a semver range)'),
      compatible: z.boolean().describe('Whether this kernel satisfies engines'),
      permissions: manifestSchema.in.shape.permissions.unwrap(),
      dependencies: manifestSchema.in.shape.dependencies.unwrap(),
      limits: manifestSchema.in.shape.limits.unwrap(),
      artifact: releaseStatementSchema.shape.artifact,
    }),
  ),
});

/** `POST /marketplace/verify`: each source verified or failed, each installed plugin, revocations found. */
export const verifyReportSchema = z.object({
  sources: z.array(
    z.object({
      source: sourceLocation,
      root: z.int().min(1),
      timestamp: z.int().min(1),
      index: z.int().min(1),
    }),
  ),
  failed: z.array(
    z.object({
      name: sourceName,
      location: z.string(),
      code: z.string().describe('The coded reason (docs/errors.md)'),
      message: z.string(),
    }),
  ),
  plugins: z.array(
    z.object({
      name: pluginNameSchema,
      version,
      source: sourceLocation,
      ok: z.boolean().describe('False when its version was revoked (it is stopped)'),
      checked: z.boolean().describe('False when its source failed: not checked this time'),
      revoked: revokedSchema.optional(),
    }),
  ),
  revoked: z.array(z.object({ plugin: pluginNameSchema, version, reason: z.string() })),
});

/** The body of a route that takes no options: absent, null or `{}`. */
export const noOptionsSchema = z.strictObject({}).nullish();

/** The JSON Schema of {@link noOptionsSchema} (no `type`: an absent body passes). */
export const NO_OPTIONS_BODY = {
  properties: {},
  additionalProperties: false,
  not: { anyOf: [{ type: 'array', items: {} }, { type: ['boolean', 'number', 'string'] }] },
  description: 'Takes no options: no body, null or {}.',
};

/** `POST /plugins/install?dryRun=true`: the plan of a packed plugin, nothing installed. */
export const fileDryRunSchema = z.object({ plan: planSchema });

/** `POST /plugins/install`: installed and started (InstallResult), with the plan that was carried out. */
export const fileInstalledSchema = z.object({
  name: pluginNameSchema,
  version,
  previousVersion: version.describe('The version it replaced (absent: a fresh install)').optional(),
  publisher: publisherRef.describe('The key that signed it'),
  dir: z.string().describe('Where it is installed on the kernel host'),
  granted: z.array(z.string()).describe('What the grants file now grants it'),
  denied: z.array(z.string()).describe('Declared, but denied by an earlier decision of the operator'),
  started: z.unknown().describe('The plugin as it runs now (as GET /api/v1/plugins/{name} shows it)'),
  plan: planSchema,
});
