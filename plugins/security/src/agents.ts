import { isoTime, isSmallOrderEd25519X } from '@omega/sdk';
import type { Ctx } from './context.js';
import { SECURITY_TOPICS } from './event-topics.js';
import { refuse } from './http.js';

/** A node agent's request-signing key (scheme omega-sig-v1): the public half only. */
export interface AgentKey {
  id: string;
  name: string;
  /** Raw Ed25519 public key, base64url (43 characters). */
  publicKey: string;
  permissions: string[];
  createdBy: string;
  createdAt: string;
  revoked: boolean;
}

const AGENTS = 'agents';
const ED25519_B64URL = /^[A-Za-z0-9_-]{43}$/;

/** Registers an agent key. */
export async function createAgent(
  ctx: Ctx,
  input: { name: string; publicKey: string; permissions: string[]; createdBy: string },
): Promise<AgentKey> {
  if (!ED25519_B64URL.test(input.publicKey)) {
    refuse(
      400,
      'OMEGA_ERR_VALIDATION',
      'Invalid body: publicKey: a raw Ed25519 public key in base64url (43 characters).',
      {
        errors: [{ field: 'publicKey', message: 'raw Ed25519 key, base64url' }],
      },
    );
  }
  // Under a point of small order anyone can forge the agent's signatures (the kernel refuses
  // such a key when verifying; refused here, it is never registered).
  if (isSmallOrderEd25519X(input.publicKey)) {
    refuse(
      400,
      'OMEGA_ERR_VALIDATION',
      'Invalid body: publicKey: a point of small order, not a usable Ed25519 key (signatures could be forged for it).',
      { errors: [{ field: 'publicKey', message: 'is a point of small order, not a usable public key' }] },
    );
  }
  const agent: AgentKey = {
    id: `k-${await ctx.crypto.random(9)}`,
    ...input,
    createdAt: isoTime(Date.now()),
    revoked: false,
  };
  await ctx.storage.set(AGENTS, agent.id, agent, { expectedVersion: 0 });
  return agent;
}

/** An agent key by id. */
export async function getAgent(ctx: Ctx, id: string): Promise<AgentKey | undefined> {
  return (await ctx.storage.get<AgentKey>(AGENTS, id))?.value;
}

/** Every agent key. */
export async function listAgents(ctx: Ctx): Promise<AgentKey[]> {
  const out: AgentKey[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.storage.list<AgentKey>(AGENTS, { limit: 1000, ...(cursor ? { cursor } : {}) });
    out.push(...page.items.map((r) => r.value));
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** Revokes an agent key and announces it. */
export async function revokeAgent(ctx: Ctx, agent: AgentKey): Promise<void> {
  await ctx.storage.set(AGENTS, agent.id, { ...agent, revoked: true });
  await ctx.events.publish(SECURITY_TOPICS.tokenRevoked, { keyId: agent.id, reason: 'revoked' });
}

/** What the kernel needs to check a signed request: the key and the agent's principal. */
export async function resolveAgentKey(ctx: Ctx, keyId: string) {
  const a = await getAgent(ctx, keyId);
  if (!a || a.revoked) return null;
  return {
    publicKey: a.publicKey,
    principal: {
      id: `agent:${a.id}`,
      kind: 'node' as const,
      permissions: a.permissions,
      denied: [],
      name: a.name,
      credentialId: a.id,
    },
  };
}
