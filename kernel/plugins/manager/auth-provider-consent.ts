import { omegaError } from '../../errors/index.js';
import type { PluginManager } from './plugin-manager.js';

/** A change that ends every sign-in when it hits the kernel's auth provider. */
export type AuthProviderChange = 'disable' | 'remove' | 'grants';

const EFFECT: Record<AuthProviderChange, string> = {
  disable:
    'disabling it ends every sign-in (users cannot log in, tokens stop being checked against it) until it is enabled again',
  remove:
    'removing it ends every sign-in (users cannot log in, tokens stop being checked against it) until an auth provider is installed again',
  grants:
    'these grants would stop it answering at its next reload (auth:provider taken, or a declared permission left undecided) or change who may reach its routes, either of which can end every sign-in (users cannot log in, tokens stop being checked against it)',
};

const HOW: Record<AuthProviderChange, (name: string) => string> = {
  disable: (n) => `To disable it anyway, repeat with ?consent=${n} (omega plugin disable ${n} --force).`,
  remove: (n) =>
    `To remove it anyway, repeat with "consent": "${n}" in the body (omega plugin remove ${n} --force).`,
  grants: (n) => `To store them anyway, repeat with ?consent=${n}.`,
};

/**
 * Refuses a change that ends every sign-in unless the caller named the plugin as consent
 * (OMEGA_ERR_CONSENT_REQUIRED, 409). The walk disabled the security plugin with one command and
 * no word of warning; grants without auth:provider and a remove did the same (review). Asked by
 * whether the plugin answers as the provider, not whether it runs this moment: a provider
 * restarting after a crash or mid-reload would otherwise go without a word.
 */
export function requireAuthProviderConsent(
  manager: Pick<PluginManager, 'providesAuth'>,
  name: string,
  consent: string | undefined,
  change: AuthProviderChange,
): void {
  if (!manager.providesAuth(name) || consent === name) return;
  throw omegaError(
    'OMEGA_ERR_CONSENT_REQUIRED',
    `Plugin "${name}" is the kernel's auth provider: ${EFFECT[change]}, and a restart falls back to the admin-token file in the data directory. ${HOW[change](name)}`,
    { plugin: name, consent: name },
  );
}
