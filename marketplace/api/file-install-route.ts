import { omegaError } from '@omega/protocol';
import {
  defineRoute,
  type InstallTarget,
  MAX_ARCHIVE_BYTES,
  type RouteSpec,
  readCappedBody,
} from '../../kernel/index.js';
import { installFile } from '../install/install-file.js';
import { fileDryRunSchema, fileInstalledSchema } from './marketplace-schemas.js';
import { planAudit } from './plan-audit.js';

async function readArchive(req: Request): Promise<Uint8Array> {
  const bytes = await readCappedBody(req, MAX_ARCHIVE_BYTES);
  if (bytes.byteLength === 0)
    throw omegaError('OMEGA_ERR_VALIDATION', 'Send the packed plugin (omega-plugin pack) as the body.');
  return bytes;
}

const flag = (v: string | undefined) => v === 'true' || v === '1';
/** How a flag is documented: what {@link flag} reads as set (anything else is unset). */
const BOOL = { type: 'string', enum: ['true', 'false', '1', '0'] };

/**
 * `POST /api/v1/plugins/install`: body = a packed plugin (at most MAX_ARCHIVE_BYTES). Under the
 * one consent rule: when it asks for more than the installed version was approved for, 409
 * OMEGA_ERR_CONSENT_REQUIRED carries `plan` and `consent`, and the request repeated with
 * `?consent=<digest>` installs exactly that. `?upgrade=true` refuses unless installed,
 * `?downgrade=true` allows an older version, `?dryRun=true` only answers the plan.
 */
export function fileInstallRoute(target: InstallTarget): RouteSpec {
  return defineRoute({
    method: 'POST',
    path: '/api/v1/plugins/install',
    permission: 'plugins:admin',
    owner: 'kernel',
    audit: { topic: 'plugins.admin.install' },
    requestBody: {
      contentType: 'application/octet-stream',
      description: `The packed plugin as \`omega-plugin pack\` wrote it (its signed manifest, bundle and files; gzip'd), at most ${MAX_ARCHIVE_BYTES} bytes`,
      schema: { type: 'string', contentMediaType: 'application/octet-stream' },
    },
    query: {
      consent: {
        description: 'The consent digest from the 409 plan: installs exactly what it approved',
        schema: { type: 'string', maxLength: 200 },
      },
      dryRun: { description: 'true: only answer the plan (200), change nothing', schema: BOOL },
      upgrade: { description: 'true: refuse unless the plugin is installed', schema: BOOL },
      downgrade: { description: 'true: allow an older version than the installed one', schema: BOOL },
    },
    summary:
      'Install or upgrade a signed, packed plugin (body: the archive); what it asks for beyond the installed version needs ?consent= (the digest from the 409 plan)',
    responses: {
      200: { description: 'Dry run: the plan and its consent digest', schema: fileDryRunSchema },
      201: {
        description: 'Installed and started; the body has the install and the plan that was carried out',
        schema: fileInstalledSchema,
      },
      400: 'Not an archive, bad manifest, integrity or signature',
      404: '?upgrade=true and the plugin is not installed',
      409: 'Consent required (the body carries plan and consent), downgrade, core plugin name, or incompatible kernel',
      413: 'Larger than any valid archive',
    },
    handler: async (c, input) => {
      const consent = c.req.query('consent');
      const dryRun = flag(c.req.query('dryRun'));
      const out = await installFile(await readArchive(c.req.raw), target, {
        ...(consent ? { consent } : {}),
        allowDowngrade: flag(c.req.query('downgrade')),
        upgrade: flag(c.req.query('upgrade')),
        dryRun,
      });
      // The archive names what was installed: the audit record's target (`name@from→version`,
      // walk: an upgrade read as a fresh install of its new version).
      if (out.installed) input.audit = planAudit(out.plan);
      const body = out.installed ? { ...out.installed, plan: out.plan } : { plan: out.plan };
      return new Response(JSON.stringify(body), {
        status: dryRun ? 200 : 201,
        headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      });
    },
  });
}
