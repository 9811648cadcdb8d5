import { isSmallOrderEd25519X } from '@omega/protocol';
import { z } from 'zod';
import { omegaError } from '../../errors/index.js';
import { defineRoute, type RouteSpec, type SameShape } from '../../http/route.js';
import { writeFileDurable } from '../../storage/index.js';
import { loadTrustedPublishers, type TrustedPublisher, trustPublisher } from './trusted-publishers.js';

const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  });

/** An Ed25519 public key's `x`: its 32 bytes as 43 base64url characters, unpadded (RFC 8037). */
const ED25519_X = /^[A-Za-z0-9_-]{43}$/;
const X_MUST_BE = 'must be an Ed25519 public key: its 32 bytes as 43 base64url characters, no padding';

/**
 * Refuses a `jwk.x` that is not an Ed25519 public key (`{"x":"abc"}` was trusted and written to the
 * trust file), or that is a point of small order. The last of the 43 characters carries 2 bits
 * past the 32 bytes: they must be 0, or one key would have several spellings, each its own kid.
 * The rest (kty, crv, a private `d`) is publisherKey's to refuse.
 */
function checkPublicX(jwk: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const { x } = jwk;
  if (
    typeof x !== 'string' ||
    !ED25519_X.test(x) ||
    Buffer.from(x, 'base64url').toString('base64url') !== x
  ) {
    ctx.addIssue({ code: 'custom', path: ['x'], message: X_MUST_BE });
    return;
  }
  // Node imports any 32 bytes; a point of small order (the identity: x = AQAA…) is no key at
  // all — a forged signature verifies under it for any archive.
  if (isSmallOrderEd25519X(x))
    ctx.addIssue({
      code: 'custom',
      path: ['x'],
      message: 'is a point of small order, not a usable public key (signatures could be forged for it)',
    });
}

const trustBody = z.strictObject({
  jwk: z.record(z.string(), z.unknown()).superRefine(checkPublicX),
  name: z.string().min(1).max(128).optional(),
});

/** A trusted publisher key as the API shows it (public: the trust file holds no secret). */
const trustedPublisher = z.object({
  kid: z.string().describe("The key id: the JWK's RFC 7638 thumbprint"),
  jwk: z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string() }),
  name: z.string().optional(),
  addedAt: z.iso.datetime(),
});
true satisfies SameShape<TrustedPublisher, z.output<typeof trustedPublisher>>;

/**
 * The operator's trusted publisher keys through the API (so `omega plugin trust` works against a
 * remote kernel, with no file written by the CLI): list, trust (an Ed25519 public JWK; private
 * material refused), forget by key id. Every change is audited.
 */
export function trustedPublisherRoutes(trustFile: string): RouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/plugins/publishers',
      permission: 'plugins:read',
      owner: 'kernel',
      summary: 'Publisher keys this kernel trusts for plugin archives (public keys only)',
      responses: {
        200: { description: 'The trusted keys', schema: z.object({ items: z.array(trustedPublisher) }) },
      },
      handler: async () => json({ items: await loadTrustedPublishers(trustFile) }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/plugins/publishers',
      permission: 'plugins:admin',
      owner: 'kernel',
      body: trustBody,
      audit: {
        topic: 'plugins.admin.trust',
        details: ({ body }) => ({ name: body.name ?? null }),
      },
      summary: "Trust a publisher's Ed25519 public key (JWK) for plugin archives",
      responses: {
        201: { description: 'Trusted: the key with its id (RFC 7638 thumbprint)', schema: trustedPublisher },
        400: 'Not an Ed25519 public JWK',
      },
      handler: async (_c, input) => {
        const trusted = await trustPublisher(trustFile, input.body.jwk, input.body.name);
        // The key trusted is what a later investigation asks about (walk: the record said nothing of it).
        input.audit = { target: trusted.kid };
        return json(trusted, 201);
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/v1/plugins/publishers/:kid',
      permission: 'plugins:admin',
      owner: 'kernel',
      audit: { topic: 'plugins.admin.untrust', details: ({ params }) => ({ kid: params.kid }) },
      summary:
        'Stop trusting a publisher key (installed plugins keep running; new archives by it are refused)',
      responses: { 204: 'Forgotten', 404: 'No such key' },
      handler: async (c, input) => {
        const kid = c.req.param('kid') ?? '';
        input.audit = { target: kid };
        const all = await loadTrustedPublishers(trustFile);
        const rest = all.filter((p) => p.kid !== kid);
        if (rest.length === all.length)
          throw omegaError('OMEGA_ERR_NOT_FOUND', `No trusted publisher key "${kid.slice(0, 64)}".`, { kid });
        await writeFileDurable(trustFile, `${JSON.stringify({ publishers: rest }, null, 2)}\n`);
        return new Response(null, { status: 204 });
      },
    }),
  ];
}
