import { omegaError } from '@omega/protocol';
import { computeIntegrity } from '@omega/protocol/archive';
import {
  checkInstallable,
  declaresAuthProviderService,
  type InstallResult,
  type InstallTarget,
  installVerified,
  loadTrustedPublishers,
  panelConsents,
  readInstalledPlugin,
  verifyPluginArchive,
} from '../../kernel/index.js';
import { consentPlan, describePlan, type Plan, permissionDiff, routeConsents } from '../resolve/index.js';
import { consentBaseline } from './consent-baseline.js';

/** Options of {@link installFile}: the operator's answer to an earlier plan, and what the request allows. */
export interface FileInstallOptions {
  /** The `consent` digest of the plan the operator approved (from the 409 or a dry run). */
  consent?: string;
  /** Allow an older version than the installed one. */
  allowDowngrade?: boolean;
  /** Refuse unless the plugin is installed already (`omega plugin upgrade FILE`). */
  upgrade?: boolean;
  /** Only build the plan (nothing is written): what an approval would cover. */
  dryRun?: boolean;
}

/** What {@link installFile} did: the plan it carried out, and the install (absent for a dry run). */
export interface FileInstallOutcome {
  plan: Plan;
  installed?: InstallResult;
}

/**
 * Installs a packed plugin sent to the kernel under the one consent rule: verify it (shape,
 * manifest, integrity, trusted signature, engines), refuse core names and silent downgrades,
 * compare what it may do with what the installed version was approved for (permissionDiff: the
 * same diff as the marketplace's), and when that asks for more, install only with the consent
 * digest of exactly this plan — otherwise OMEGA_ERR_CONSENT_REQUIRED with the plan and the
 * digest, and the installed version keeps serving untouched.
 */
export async function installFile(
  bytes: Uint8Array,
  target: InstallTarget,
  opts: FileInstallOptions = {},
): Promise<FileInstallOutcome> {
  const trusted = await loadTrustedPublishers(target.trustFile);
  const v = await verifyPluginArchive(bytes, { trusted, kernelVersion: target.kernelVersion });
  const { name, version } = v.manifest;
  await checkInstallable(v.manifest, target, { allowDowngrade: opts.allowDowngrade === true });
  const current = await readInstalledPlugin(target, name);
  if (opts.upgrade && !current)
    throw omegaError(
      'OMEGA_ERR_PLUGIN_NOT_FOUND',
      `${name} is not installed, so there is nothing to upgrade; install it with omega plugin install ./FILE.`,
      { plugin: name },
    );
  const diff = permissionDiff(consentBaseline(current), {
    permissions: v.manifest.permissions,
    limits: v.manifest.limits,
    publisher: v.publisher,
    panels: panelConsents(v.manifest),
    authProviderService: declaresAuthProviderService(v.manifest),
    routes: routeConsents(v.manifest),
  });
  const plan = consentPlan({ op: 'file', name, ...(opts.upgrade ? { upgrade: true } : {}) }, [
    {
      name,
      ...(current ? { from: current.manifest.version } : {}),
      to: version,
      source: 'file',
      publisher: v.publisher.name ?? v.publisher.kid,
      artifact: computeIntegrity(bytes),
      diff,
    },
  ]);
  if (opts.dryRun) return { plan };
  if (plan.escalating && opts.consent !== plan.consent) {
    const stale = opts.consent !== undefined;
    throw omegaError(
      'OMEGA_ERR_CONSENT_REQUIRED',
      `${stale ? 'The consent sent is not for this plan (another artifact, or the installed version changed); ' : ''}${name} ${current ? `${current.manifest.version} → ` : ''}${version} asks for more than is approved now:\n${describePlan(plan)}\nApprove exactly this diff by sending consent "${plan.consent}" (omega plugin install ./FILE --approve); ${current ? `${name}@${current.manifest.version} keeps serving until then.` : 'nothing was installed.'}`,
      { plugin: name, version, plan, consent: plan.consent },
    );
  }
  const installed = await installVerified(v, target, { allowDowngrade: opts.allowDowngrade === true });
  return { plan, installed };
}
