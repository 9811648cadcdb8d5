import type { Logger } from 'pino';

/** The DNS-SD service type agents announce. */
export const AGENT_SERVICE_TYPE = 'omega-agent';

/** What a waiting agent announces in its TXT record (docs/agent-protocol.md). */
export interface AgentTxt {
  name: string;
  /** base64url SHA-256 of the identity key. */
  fp: string;
  cpus: string;
  mem: string;
  gpus: string;
  v: string;
}

/** An active announcement; `stop()` sends goodbye packets and closes the sockets. */
export interface Advertisement {
  stop(): Promise<void>;
}

/**
 * Announces `_omega-agent._tcp.local` with the approval listener's port and the TXT record,
 * through @homebridge/ciao: an RFC 6762/6763 responder (probing, conflict renaming, announcements,
 * goodbyes; passes Apple's Bonjour conformance test) that is kept up by the Homebridge project and
 * can be bound to named interfaces — tests give only their own bridge, never the machine's LAN.
 * Loaded only in discovery mode (it installs source-map-support at import).
 */
export async function advertiseAgent(o: {
  name: string;
  port: number;
  txt: AgentTxt;
  interfaces: string[];
  log: Pick<Logger, 'info' | 'warn'>;
}): Promise<Advertisement> {
  const { getResponder } = await import('@homebridge/ciao');
  const bound = o.interfaces.length > 0;
  const responder = getResponder(bound ? { interface: o.interfaces } : undefined);
  const service = responder.createService({
    name: o.name,
    type: AGENT_SERVICE_TYPE,
    port: o.port,
    txt: { ...o.txt },
    ...(bound ? { restrictedAddresses: o.interfaces } : {}),
  });
  service.on('name-change', (name: string) =>
    o.log.warn({ name }, 'mDNS name taken on the network; announced as'),
  );
  await service.advertise();
  o.log.info(
    { service: `_${AGENT_SERVICE_TYPE}._tcp.local`, port: o.port, interfaces: bound ? o.interfaces : 'all' },
    'announcing on mDNS; waiting for an operator to approve this node',
  );
  return {
    async stop() {
      await service.end().catch(() => {});
      await service.destroy().catch(() => {});
      await responder.shutdown().catch(() => {});
    },
  };
}
