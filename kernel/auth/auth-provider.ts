import type { Principal } from './principal.js';

/** What the kernel asks about a verified access token. */
export interface IntrospectQuery {
  sub: string;
  jti: string;
  fam?: string;
  /** Issued at, epoch seconds. */
  iat: number;
}

/** A principal as the provider answers it (plain data from the plugin). */
export interface ProviderPrincipal {
  id: string;
  kind: 'user' | 'api-token' | 'node';
  permissions: string[];
  denied: string[];
  name?: string;
  credentialId: string;
  /** Epoch ms, when the credential expires. */
  expiresAt?: number;
}

/** An agent's request-signing key as the provider answers it. */
export interface AgentKey {
  /** Raw Ed25519 public key, base64url (32 bytes). */
  publicKey: string;
  principal: ProviderPrincipal;
}

/**
 * The kernel's questions to the plugin holding `auth:provider`. The kernel verifies access
 * tokens itself; it asks the provider only whether a verified token is still active (once per
 * token, then cached), what an opaque API token stands for, and about bootstrap.
 */
export interface AuthProvider {
  /** The provider's name (the plugin). */
  readonly name: string;
  introspect(q: IntrospectQuery): Promise<{ active: boolean }>;
  resolveApiToken(token: string): Promise<ProviderPrincipal | null>;
  resolveAgentKey(keyId: string): Promise<AgentKey | null>;
  /** True when no user exists yet (so a bootstrap secret is needed). */
  bootstrapStatus(): Promise<{ needed: boolean }>;
  /** Arms the one-time bootstrap secret by its SHA-256 (hex); the secret itself never crosses. */
  armBootstrap(secretSha256: string): Promise<void>;
}

/** Freezes a provider's answer into a kernel principal. */
export function toPrincipal(p: ProviderPrincipal): Principal {
  return Object.freeze({
    id: p.id,
    kind: p.kind,
    permissions: Object.freeze([...p.permissions]),
    denied: Object.freeze([...p.denied]),
    credentialId: p.credentialId,
    ...(p.name !== undefined ? { name: p.name } : {}),
    ...(p.expiresAt !== undefined ? { expiresAt: p.expiresAt } : {}),
  });
}
