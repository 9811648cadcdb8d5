import { declaresAuthProviderService, type InstalledPlugin, panelConsents } from '../../kernel/index.js';
import { type ConsentSubject, type PublisherRef, routeConsents } from '../resolve/index.js';

/**
 * What the installed version of a plugin may do, as the next install's consent compares it:
 * the capabilities the operator decided on, its limits, and the publisher key that signed it
 * (from its install record, else from `fallback`, e.g. the marketplace's installed state).
 * Undefined when nothing is installed: a fresh install is compared with nothing.
 */
export function consentBaseline(
  installed: InstalledPlugin | undefined,
  fallback?: PublisherRef,
): ConsentSubject | undefined {
  if (!installed) return undefined;
  const publisher = installed.publisher ?? fallback;
  return {
    permissions: installed.approved,
    limits: installed.manifest.limits,
    panels: panelConsents(installed.manifest),
    authProviderService: declaresAuthProviderService(installed.manifest),
    routes: routeConsents(installed.manifest),
    ...(publisher ? { publisher } : {}),
  };
}
