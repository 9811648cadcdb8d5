import { omegaError } from '../../errors/index.js';
import { readCappedBody } from '../../http/read-capped-body.js';
import { defineRoute, type RouteSpec } from '../../http/route.js';
import { type InstallConsent, type InstallTarget, installPlugin } from './install-plugin.js';

/** Largest archive the install route reads. */
export const MAX_ARCHIVE_BYTES = 16 * 1024 * 1024;

async function readBody(req: Request): Promise<Uint8Array> {
  const bytes = await readCappedBody(req, MAX_ARCHIVE_BYTES);
  if (bytes.byteLength === 0) {
    throw omegaError('OMEGA_ERR_VALIDATION', 'Send the packed plugin (omega-plugin pack) as the body.');
  }
  return bytes;
}

/**
 * `POST /api/v1/plugins/install`: body = a packed plugin; `?grant=<permission>` (repeatable) or
 * `?grant=all` records the operator's consent; `?downgrade=true` allows an older version.
 */
export function pluginInstallRoute(target: InstallTarget): RouteSpec {
  return defineRoute({
    method: 'POST',
    path: '/api/v1/plugins/install',
    permission: 'plugins:admin',
    owner: 'kernel',
    audit: { topic: 'plugins.admin.install' },
    summary:
      'Install a signed, packed plugin (body: the archive); verified against the trusted publisher keys, placed atomically, granted what ?grant= lists, started',
    responses: {
      201: 'Installed (and started when every permission was granted)',
      400: 'Not an archive, bad manifest, integrity or signature',
      409: 'Consent required, downgrade, bundled name, or incompatible kernel',
    },
    handler: async (c) => {
      const grants = c.req.queries('grant');
      const consent: InstallConsent = {
        ...(grants
          ? { grant: grants.includes('all') ? 'all' : grants.flatMap((g) => g.split(',')).filter(Boolean) }
          : {}),
        allowDowngrade: c.req.query('downgrade') === 'true',
      };
      const result = await installPlugin(await readBody(c.req.raw), target, consent);
      return new Response(JSON.stringify(result), {
        status: 201,
        headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      });
    },
  });
}
