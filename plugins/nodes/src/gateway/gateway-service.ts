import { pluginError, type ServiceCaller } from '@omega/sdk';
import type { NodesRuntime } from '../runtime.js';
import { deliverEvents } from './deliver-events.js';
import type { GatewayAnswer, IdentifyArgs, JoinArgs } from './gateway-types.js';
import { identifyNode } from './identify-node.js';
import { joinNode } from './join-node.js';

type Obj = Record<string, unknown>;
const str = (v: unknown, max: number): string | undefined =>
  typeof v === 'string' && v.length <= max ? v : undefined;

/** Throws unless the kernel itself is calling (its reserved caller name). */
export function kernelOnly(caller: ServiceCaller, service: string): void {
  if (caller.plugin !== 'kernel')
    throw pluginError(
      'OMEGA_ERR_FORBIDDEN',
      `nodes.${service} answers the kernel only (called by "${caller.plugin}").`,
    );
}

const bad = (field: string, message: string): GatewayAnswer => ({
  refused: { code: 'OMEGA_ERR_VALIDATION', message: `${field}: ${message}` },
});

/**
 * `agent-gateway` while the registry is still loading: joins and resumes are refused with
 * retryAfterSec (agents retry), a delivery fails (the kernel drops that batch).
 */
export function notLoaded(args: unknown, caller: ServiceCaller): GatewayAnswer {
  kernelOnly(caller, 'agent-gateway');
  const op = (args as Obj | null)?.op;
  if (op === 'join' || op === 'identify')
    return {
      refused: {
        code: 'OMEGA_ERR_UNAVAILABLE',
        message: 'The nodes plugin is loading its registry; retry shortly.',
        retryAfterSec: 2,
      },
    };
  throw pluginError('OMEGA_ERR_UNAVAILABLE', 'The nodes plugin is loading its registry.');
}

/**
 * The reserved `agent-gateway` service: the kernel's agent gateway asks who may join, which
 * node a key is, and hands over what agents said (ops `join`, `identify`, `deliver`).
 */
export async function agentGateway(rt: NodesRuntime, args: unknown, caller: ServiceCaller): Promise<unknown> {
  kernelOnly(caller, 'agent-gateway');
  const a = (args ?? {}) as Obj;
  switch (a.op) {
    case 'join': {
      const token = str(a.token, 512);
      const name = str(a.name, 256);
      const publicKey = str(a.publicKey, 128);
      if (token === undefined) return bad('token', 'a join token is required');
      if (name === undefined) return bad('name', 'is required');
      if (publicKey === undefined) return bad('publicKey', 'is required');
      const specs =
        a.specs !== null && typeof a.specs === 'object' && !Array.isArray(a.specs) ? (a.specs as Obj) : {};
      const j: JoinArgs = { token, name, publicKey, specs };
      const v = str(a.agentVersion, 64);
      const remote = str(a.remote, 128);
      if (v) j.agentVersion = v;
      if (remote) j.remote = remote;
      return joinNode(rt, j);
    }
    case 'identify': {
      const node = str(a.node, 256);
      const publicKey = str(a.publicKey, 128);
      if (node === undefined) return bad('node', 'is required');
      if (publicKey === undefined) return bad('publicKey', 'is required');
      const i: IdentifyArgs = { node, publicKey };
      const name = str(a.name, 256);
      const v = str(a.agentVersion, 64);
      const remote = str(a.remote, 128);
      if (name) i.name = name;
      if (v) i.agentVersion = v;
      if (remote) i.remote = remote;
      return identifyNode(rt, i);
    }
    case 'deliver':
      return deliverEvents(rt, a.events, { complete: a.complete, alive: a.alive });
    default:
      throw pluginError(
        'OMEGA_ERR_VALIDATION',
        `agent-gateway: unknown op ${JSON.stringify(String(a.op).slice(0, 32))}.`,
      );
  }
}
