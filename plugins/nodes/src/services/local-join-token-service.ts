import type { ServiceCaller } from '@omega/sdk';
import { kernelOnly } from '../gateway/gateway-service.js';
import type { NodesRuntime } from '../runtime.js';

/** How long the local agent's token lives. */
const LOCAL_TOKEN_TTL_MS = 10 * 60_000;

/**
 * `nodes.local-join-token` (kernel only): a single-use, 10-minute join token for the kernel
 * machine's own agent, which `omega start` starts.
 */
export async function localJoinTokenService(
  rt: NodesRuntime,
  caller: ServiceCaller,
): Promise<{ token: string }> {
  kernelOnly(caller, 'local-join-token');
  const info = await rt.ctx.agents.info().catch(() => undefined);
  const { token, record } = await rt.tokens.mint({
    kind: 'local',
    ttlMs: LOCAL_TOKEN_TTL_MS,
    uses: 1,
    labels: {},
    description: "the kernel machine's own agent",
    createdBy: 'kernel',
    ...(info?.certSha256 ? { certSha256: info.certSha256 } : {}),
  });
  rt.events.audit({
    actor: 'kernel',
    action: 'token.create',
    outcome: 'success',
    target: `token ${record.id}`,
    details: { kind: 'local', uses: 1, expiresAt: record.expiresAt },
  });
  return { token };
}
