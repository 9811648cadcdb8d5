import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { decodeProbePacket, PROBE_PACKET_BYTES, type ProbePacket, replyTo } from './probe-packet.js';

/** Counters of the responder side (what others asked of this agent). */
export interface ResponderStats {
  /** Authenticated requests answered. */
  answered: number;
  /** Datagrams dropped: wrong size, unknown key, bad MAC. */
  rejected: number;
  /** Authenticated requests not answered because a rate limit was reached. */
  limited: number;
}

/** Options of {@link openProbeSocket}. */
export interface ProbeSocketOptions {
  /** UDP port (0: any free one). */
  port: number;
  /** Address to bind (default every IPv4 address: `0.0.0.0`). */
  host?: string;
  /** Keys by key id; requests MACed with any of them are answered. */
  keyFor(keyId: number): Buffer | undefined;
  /** Called with each authenticated reply to one of this agent's probes. */
  onReply(packet: ProbePacket, from: RemoteInfo): void;
  /** Replies per second to all sources together (default 2,000). */
  maxRepliesPerSec?: number;
  /** Replies per second to one source address (default 200). */
  maxRepliesPerSourcePerSec?: number;
}

/** A bound probe socket: it answers peers' probes and sends this agent's own. */
export interface ProbeSocket {
  readonly port: number;
  readonly stats: ResponderStats;
  /** Sends one datagram (errors, e.g. EHOSTUNREACH, count as loss: the probe gets no answer). */
  send(packet: Buffer, port: number, address: string): void;
  close(): Promise<void>;
}

const bind = (socket: Socket, port: number, host: string) =>
  new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });

/**
 * Opens the agent's probe socket: a UDP responder that answers only authenticated probes (a
 * reply has the request's exact size, so it cannot amplify), within a global and a per-source
 * rate, and hands authenticated replies to this agent's own prober. Anything else is dropped
 * without an answer. IPv4 on `0.0.0.0:port`; IPv6 on `[::]:port` as well where the host has
 * IPv6 (best effort: without it, IPv6 peers are simply unreachable and reported so).
 */
export async function openProbeSocket(o: ProbeSocketOptions): Promise<ProbeSocket> {
  const stats: ResponderStats = { answered: 0, rejected: 0, limited: 0 };
  const maxAll = o.maxRepliesPerSec ?? 2_000;
  const maxOne = o.maxRepliesPerSourcePerSec ?? 200;
  let second = 0;
  let all = 0;
  const perSource = new Map<string, number>();
  const allow = (address: string): boolean => {
    const now = Math.floor(performance.now() / 1000);
    if (now !== second) {
      second = now;
      all = 0;
      perSource.clear();
    }
    const mine = perSource.get(address) ?? 0;
    if (all >= maxAll || mine >= maxOne) return false;
    all++;
    perSource.set(address, mine + 1);
    return true;
  };
  const listen = (socket: Socket) => {
    socket.on('message', (msg, rinfo) => {
      if (msg.length !== PROBE_PACKET_BYTES) {
        stats.rejected++;
        return;
      }
      const p = decodeProbePacket(msg, o.keyFor);
      if (!p) {
        stats.rejected++;
        return;
      }
      if (p.kind === 'reply') {
        o.onReply(p, rinfo);
        return;
      }
      if (!allow(rinfo.address)) {
        stats.limited++;
        return;
      }
      stats.answered++;
      socket.send(replyTo(msg, o.keyFor(p.keyId)!), rinfo.port, rinfo.address, () => {});
    });
    // A datagram socket's errors (ICMP unreachable on some platforms) must never end the agent.
    socket.on('error', () => {});
  };
  const host = o.host ?? '0.0.0.0';
  const v4 = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
  listen(v4);
  await bind(v4, o.port, host);
  const port = v4.address().port;
  let v6: Socket | undefined;
  if (o.host === undefined) {
    const s = createSocket({ type: 'udp6', ipv6Only: true });
    listen(s);
    v6 = await bind(s, port, '::').then(
      () => s,
      () => {
        s.close();
        return undefined;
      },
    );
  }
  let closed = false;
  const close = (s: Socket | undefined) =>
    new Promise<void>((resolve) => {
      if (!s) return resolve();
      try {
        s.close(() => resolve());
      } catch {
        resolve();
      }
    });
  return {
    port,
    stats,
    send(packet, toPort, address) {
      if (closed) return; // a probe in flight when the netprobe stopped: dropped, it is answered by its timeout
      const s = isIPv6(address) ? (v6 ?? (isIPv6(host) ? v4 : undefined)) : isIPv6(host) ? undefined : v4;
      try {
        s?.send(packet, toPort, address, () => {});
      } catch {
        // closed between the check and the send (ERR_SOCKET_DGRAM_NOT_RUNNING): the same as above
      }
    },
    close: () => {
      closed = true;
      return Promise.all([close(v4), close(v6)]).then(() => {});
    },
  };
}
