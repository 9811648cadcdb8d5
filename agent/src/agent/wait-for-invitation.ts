import { networkInterfaces } from 'node:os';
import type { Logger } from 'pino';
import type { AgentConfig } from '../config/agent-config-schema.js';
import { type Advertisement, advertiseAgent } from '../discovery/advertise-agent.js';
import { type ApprovalListener, startApprovalListener } from '../discovery/approval-listener.js';
import type { Invitation } from '../discovery/invitation.js';
import { agentError } from '../errors/index.js';
import type { AgentIdentity } from '../identity/agent-identity.js';
import type { AgentSpecs } from '../specs/agent-specs.js';
import { AGENT_VERSION } from '../version.js';

/** Discovery mode while it runs: the next invitation, and how to stop announcing. */
export interface Discovery {
  listener: ApprovalListener;
  next(): Promise<Invitation & { from: string }>;
  stop(): Promise<void>;
}

/** The IPv4 and global IPv6 addresses of the named interfaces (the listener binds only to them). */
export function interfaceAddresses(names: string[]): string[] {
  const all = networkInterfaces();
  const out: string[] = [];
  for (const name of names) {
    const list = all[name];
    if (!list || list.length === 0) {
      throw agentError(
        'OMEGA_ERR_AGENT_CONFIG',
        `discovery.interfaces: interface ${name} does not exist or has no address.`,
        {
          field: 'discovery.interfaces',
        },
      );
    }
    for (const a of list) if (a.family === 'IPv4' || !a.address.startsWith('fe80:')) out.push(a.address);
  }
  return out;
}

/**
 * Starts discovery mode: the approval listener on the configured interfaces (or all), and the
 * mDNS announcement of `_omega-agent._tcp` with its TXT record. The caller awaits `next()` and
 * joins with what the invitation says.
 */
export async function startDiscovery(
  config: AgentConfig,
  identity: AgentIdentity,
  specs: AgentSpecs,
  log: Logger,
): Promise<Discovery> {
  const interfaces = config.discovery.interfaces;
  const listener = await startApprovalListener({
    addresses: interfaces.length ? interfaceAddresses(interfaces) : [],
    port: config.discovery.port,
    self: { name: config.name!, fingerprint: identity.fingerprint },
    log,
  });
  let ad: Advertisement;
  try {
    ad = await advertiseAgent({
      name: config.name!,
      port: listener.port,
      txt: {
        name: config.name!,
        fp: identity.fingerprint,
        cpus: String(specs.capacity.threads),
        mem: String(specs.capacity.memoryBytes),
        gpus: String(specs.capacity.gpus),
        v: AGENT_VERSION,
      },
      interfaces,
      log,
    });
  } catch (err) {
    await listener.close();
    throw err;
  }
  return {
    listener,
    next: () => listener.next(),
    async stop() {
      await ad.stop();
      await listener.close();
    },
  };
}
