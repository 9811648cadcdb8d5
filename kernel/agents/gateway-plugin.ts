import type { ServiceCaller } from '@omega/protocol';
import { z } from 'zod';
import { omegaError } from '../errors/index.js';
import { KERNEL_VERSION } from '../version.js';
import type { AgentEvent } from './agent-event.js';
import type { DeliveryGap } from './create-event-batcher.js';

/**
 * The service a gateway plugin declares for the kernel's agent questions. Reserved: no plugin
 * may be granted `services:call:<plugin>.agent-gateway` (parseCapability refuses it).
 */
export const AGENT_GATEWAY_SERVICE = 'agent-gateway';

const KERNEL_CALLER: ServiceCaller = { plugin: 'kernel', version: KERNEL_VERSION };

/** What the adapter needs from the plugin manager (structural, so kernel/agents stays below it). */
export interface GatewayHost {
  /**
   * The running plugin that may speak for agents: it declares the `agent-gateway` service and
   * holds `agents:gateway` (declared ∩ granted, no deny) — decided once per plugin start.
   */
  agentGateway(): string | undefined;
  services: { call(service: string, args: unknown, caller: ServiceCaller): Promise<unknown> };
}

const refusal = z.object({
  refused: z.object({
    code: z.string().regex(/^[A-Z][A-Z0-9_]{2,63}$/),
    message: z.string().max(512),
    retryAfterSec: z.number().int().min(1).max(86_400).optional(),
  }),
});
const admitted = z.object({
  node: z.object({
    id: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/),
    name: z.string().min(1).max(128),
  }),
});
const decision = z.union([admitted, refusal]);

/** The gateway plugin's answer to a join or identify: the node, or why not. */
export type GatewayDecision = z.output<typeof decision>;

/** The kernel's view of the gateway plugin. */
export interface GatewayPlugin {
  /** The plugin's name (the provider of agent-gateway). */
  readonly name: string;
  join(args: {
    token: string;
    name: string;
    publicKey: string;
    specs: unknown;
    agentVersion: string;
    remote: string;
  }): Promise<GatewayDecision>;
  identify(args: {
    node: string;
    publicKey: string;
    name: string;
    agentVersion: string;
    remote: string;
  }): Promise<GatewayDecision>;
  /** A batch, and what the kernel dropped or still holds (the plugin must not judge that as silence). */
  deliver(events: readonly AgentEvent[], gap?: DeliveryGap): Promise<void>;
}

/**
 * The gateway plugin as the kernel sees it: the running plugin holding `agents:gateway` and
 * declaring the `agent-gateway` service, looked up on each call (a reload or quarantine is
 * followed; the manager decided who may, once per start). Its answers are untrusted plugin output: validated before use.
 */
export function gatewayPlugin(host: GatewayHost): () => GatewayPlugin | undefined {
  const make = (name: string): GatewayPlugin => {
    const call = (op: string, args: Record<string, unknown>) =>
      host.services.call(`${name}.${AGENT_GATEWAY_SERVICE}`, { op, ...args }, KERNEL_CALLER);
    const decide = async (op: string, args: Record<string, unknown>): Promise<GatewayDecision> => {
      const parsed = decision.safeParse(await call(op, args));
      if (!parsed.success)
        throw omegaError('OMEGA_ERR_PLUGIN_FAILED', `The agent gateway "${name}" answered ${op} wrongly.`, {
          plugin: name,
        });
      return parsed.data;
    };
    return {
      name,
      join: (a) => decide('join', a),
      identify: (a) => decide('identify', a),
      deliver: async (events, gap) => {
        await call('deliver', { events, ...gap });
      },
    };
  };
  let cached: GatewayPlugin | undefined;
  return () => {
    const name = host.agentGateway();
    if (!name) return undefined;
    if (cached?.name !== name) cached = make(name);
    return cached;
  };
}
