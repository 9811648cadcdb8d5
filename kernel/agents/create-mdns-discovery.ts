import { createSocket, type Socket } from 'node:dgram';
import type { DiscoveredAgentResult } from '@omega/protocol';
import { omegaError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { parseDnsSdAnswer, ptrQuery } from './dns-sd.js';

/** The DNS-SD service agents announce (docs/agent.md, Discovery and approval). */
export const AGENT_SERVICE = '_omega-agent._tcp.local';
const MDNS = { address: '224.0.0.251', port: 5353 } as const;
/** At most this many agents are kept as discovered (a LAN can shout). */
const MAX_DISCOVERED = 1024;

/** Options of {@link createMdnsDiscovery}. */
export interface MdnsDiscoveryOptions {
  /** IPv4 addresses of the interfaces to browse on; none: the system's default. */
  interfaces: readonly string[];
  logger: Logger;
  /** How often to ask (default 5 s). */
  intervalMs?: number;
  /** An agent not heard for this long is forgotten (default 30 s). */
  forgetAfterMs?: number;
  /** Answer time for an invitation (default 10 s). */
  inviteTimeoutMs?: number;
}

/** The kernel's half of LAN discovery: browsing for announcing agents and inviting them. */
export interface MdnsDiscovery {
  discovered(): Promise<DiscoveredAgentResult[]>;
  invite(
    address: string,
    port: number,
    invitation: { server: string; token: string; certSha256?: string | undefined },
  ): Promise<{ ok: boolean }>;
  close(): void;
}

/**
 * Browses `_omega-agent._tcp.local` on each interface the way a one-shot resolver does (RFC 6762
 * §6.7: a query from an ephemeral port to 224.0.0.251:5353, answered by unicast), every
 * `intervalMs`. An agent's address is the one its answer came from — never the A records it
 * claims, so an announcement cannot point the kernel's invitation (and its join token) at
 * another host; an invitation goes only to an address and port currently discovered. The TXT
 * claims are passed on as claims.
 */
export function createMdnsDiscovery(o: MdnsDiscoveryOptions): MdnsDiscovery {
  const intervalMs = o.intervalMs ?? 5_000;
  const forgetAfterMs = o.forgetAfterMs ?? 30_000;
  const seen = new Map<string, DiscoveredAgentResult>();
  const sockets: Socket[] = [];
  const query = ptrQuery(AGENT_SERVICE);

  const onAnswer = (msg: Buffer, from: string): void => {
    let found: ReturnType<typeof parseDnsSdAnswer>;
    try {
      found = parseDnsSdAnswer(msg, AGENT_SERVICE);
    } catch {
      return; // not ours to judge: a malformed packet on a shared medium
    }
    for (const s of found) {
      const key = `${from}:${s.port}:${s.instance}`;
      if (!seen.has(key) && seen.size >= MAX_DISCOVERED) continue;
      seen.set(key, {
        name: s.txt.name ?? s.instance.split('.')[0] ?? s.instance,
        addresses: [from],
        port: s.port,
        txt: s.txt,
        seenAt: Date.now(),
      });
    }
  };

  for (const address of o.interfaces.length > 0 ? o.interfaces : ['0.0.0.0']) {
    const socket = createSocket({ type: 'udp4', reuseAddr: true });
    socket.on('error', (err) => o.logger.warn({ err, address }, 'agent discovery socket error'));
    socket.on('message', (msg, rinfo) => onAnswer(msg, rinfo.address));
    socket.bind(0, address, () => {
      if (address !== '0.0.0.0') socket.setMulticastInterface(address);
      const ask = () => socket.send(query, MDNS.port, MDNS.address, () => {});
      ask();
      const timer = setInterval(ask, intervalMs);
      timer.unref();
      socket.once('close', () => clearInterval(timer));
    });
    sockets.push(socket);
  }
  o.logger.info({ interfaces: o.interfaces }, 'browsing the LAN for agents (mDNS)');

  const current = (): DiscoveredAgentResult[] => {
    const cutoff = Date.now() - forgetAfterMs;
    for (const [key, a] of seen) if (a.seenAt < cutoff) seen.delete(key);
    return [...seen.values()];
  };

  return {
    discovered: async () => current(),
    async invite(address, port, invitation) {
      if (!current().some((a) => a.port === port && a.addresses.includes(address))) {
        throw omegaError('OMEGA_ERR_NOT_FOUND', `No agent is announcing itself at ${address}:${port}.`, {
          address,
          port,
        });
      }
      const res = await fetch(`http://${address}:${port}/omega/invite`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(invitation),
        redirect: 'manual',
        signal: AbortSignal.timeout(o.inviteTimeoutMs ?? 10_000),
      }).catch((err: Error) => {
        throw omegaError(
          'OMEGA_ERR_UNAVAILABLE',
          `The agent at ${address}:${port} did not answer (${err.message}).`,
        );
      });
      const body = (await res.json().catch(() => ({}))) as { detail?: unknown; code?: unknown };
      if (res.status === 202) return { ok: true };
      o.logger.warn(
        { address, port, status: res.status, code: body.code },
        'an agent refused its invitation',
      );
      return { ok: false };
    },
    close() {
      for (const s of sockets) s.close();
      sockets.length = 0;
    },
  };
}
