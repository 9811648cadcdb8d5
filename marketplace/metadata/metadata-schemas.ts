import { isSmallOrderEd25519X, PLUGIN_NAME_RE } from '@omega/protocol';
import semver from 'semver';
import { z } from 'zod';

/** Version of the metadata format; a client refuses documents of another spec. */
export const METADATA_SPEC = 1;

/**
 * An Ed25519 public key as a JWK (kid is the key's RFC 7638 thumbprint, kept beside it). A point
 * of small order is refused: anyone can forge a signature under it, so counted toward a
 * threshold it would stand for a signer that never signed.
 */
export const publicKeySchema = z.strictObject({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, 'must be a base64url Ed25519 public key')
    .refine((x) => !isSmallOrderEd25519X(x), 'is a point of small order, not a usable public key'),
});

/** Subresource-integrity SHA-512: `sha512-<base64>`. */
export const integritySchema = z.string().regex(/^sha512-[A-Za-z0-9+/]{86}==$/, 'must be sha512-<base64>');

const keyId = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be the JWK thumbprint of the key');
const pluginName = z.string().regex(PLUGIN_NAME_RE, 'must be a plugin name');
const version = z.string().refine((v) => semver.valid(v) === v, 'must be a semver version');
const expires = z.iso.datetime({ offset: true });

const common = {
  spec: z.literal(METADATA_SPEC),
  version: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  expires,
};

/** Keys of one role and how many distinct ones must sign. */
export const roleKeysSchema = z.strictObject({
  keys: z.array(keyId).min(1).max(32),
  threshold: z.number().int().min(1).max(32),
});

/** The root document: every trusted key, and each role's keys and threshold. */
export const rootSchema = z
  .strictObject({
    type: z.literal('root'),
    ...common,
    keys: z.record(keyId, publicKeySchema),
    roles: z.strictObject({ root: roleKeysSchema, timestamp: roleKeysSchema, index: roleKeysSchema }),
  })
  .superRefine((r, ctx) => {
    for (const [role, spec] of Object.entries(r.roles)) {
      if (new Set(spec.keys).size < spec.threshold)
        ctx.addIssue({
          code: 'custom',
          path: ['roles', role, 'threshold'],
          message: 'is larger than the number of distinct keys',
        });
      for (const k of spec.keys)
        if (!Object.hasOwn(r.keys, k))
          ctx.addIssue({ code: 'custom', path: ['roles', role, 'keys'], message: `unknown key ${k}` });
    }
  });

/** The timestamp document: short-lived, pins the current index by version, length and hash. */
export const timestampSchema = z.strictObject({
  type: z.literal('timestamp'),
  ...common,
  index: z.strictObject({
    version: z.number().int().min(1),
    length: z.number().int().min(1),
    integrity: integritySchema,
  }),
});

/** A flattened JWS (payload, protected header, signature; all base64url). */
export const flattenedJwsSchema = z.strictObject({
  payload: z.string().max(1_000_000),
  protected: z.string().max(4096),
  signature: z.string().max(4096),
});

/** Marketplace-owner status of a release: yanked (not chosen for new installs) or revoked (stopped). */
export const releaseStatusSchema = z.strictObject({
  state: z.enum(['yanked', 'revoked']),
  reason: z.string().min(1).max(1000),
  at: expires,
});

/** The index document: publishers with their keys, and every plugin's signed releases. */
export const indexSchema = z.strictObject({
  type: z.literal('index'),
  ...common,
  publishers: z.record(
    pluginName,
    z.strictObject({ keys: z.record(keyId, publicKeySchema), description: z.string().max(500).optional() }),
  ),
  plugins: z.record(
    pluginName,
    z.strictObject({
      publisher: pluginName,
      description: z.string().max(500).optional(),
      versions: z.record(
        version,
        z.strictObject({ release: flattenedJwsSchema, status: releaseStatusSchema.optional() }),
      ),
    }),
  ),
});

/** What a publisher signs for one version: where the artifact is, its size and hash, and its manifest. */
export const releaseStatementSchema = z.strictObject({
  type: z.literal('release'),
  spec: z.literal(METADATA_SPEC),
  plugin: pluginName,
  version,
  publisher: pluginName,
  artifact: z.strictObject({
    url: z.string().min(1).max(2048),
    length: z.number().int().min(1),
    integrity: integritySchema,
  }),
  /** The plugin.json of the artifact (engines, dependencies, permissions, limits, routes, …). */
  manifest: z.record(z.string(), z.unknown()),
});

/** A verified root document. */
export type RootDoc = z.output<typeof rootSchema>;
/** A verified timestamp document. */
export type TimestampDoc = z.output<typeof timestampSchema>;
/** A verified index document. */
export type IndexDoc = z.output<typeof indexSchema>;
/** A verified release statement. */
export type ReleaseStatement = z.output<typeof releaseStatementSchema>;
/** A JWS in flattened JSON form. */
export type FlattenedJws = z.output<typeof flattenedJwsSchema>;
/** An Ed25519 public JWK. */
export type PublicKey = z.output<typeof publicKeySchema>;
/** The role names of the root. */
export type RoleName = keyof RootDoc['roles'];
