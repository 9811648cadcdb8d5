import { createSocket, type Socket as DgramSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { hostname } from 'node:os';
import type { BusEvent } from '../bus/index.js';
import { formatSyslog, type SyslogHeader } from './format-syslog.js';
import { SYSLOG_FACILITIES, type SyslogSinkConfig } from './sink-config.js';
import type { SinkTransport } from './sink-transport.js';

/** Largest UDP message sent; a longer one is cut and marked (RFC 5426 asks receivers for 2 KB at least). */
const MAX_DATAGRAM = 8192;

/** Splits `udp://host:port` / `tcp://[::1]:port`. */
export function parseSyslogAddress(address: string): { proto: 'udp' | 'tcp'; host: string; port: number } {
  const u = new URL(address);
  return {
    proto: u.protocol === 'tcp:' ? 'tcp' : 'udp',
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(u.port),
  };
}

/**
 * Sends each event as one RFC 5424 message: over UDP one datagram each (fire and forget, as
 * syslog over UDP is), over TCP octet-counted frames (RFC 6587) on one connection, opened when
 * needed and again after it fails; a batch counts as delivered once the kernel took every byte.
 */
export function syslogTransport(config: SyslogSinkConfig): SinkTransport {
  const { proto, host, port } = parseSyslogAddress(config.address);
  const header: SyslogHeader = {
    facility: SYSLOG_FACILITIES[config.facility],
    hostname: hostname(),
    appName: config.appName,
    procId: process.pid,
  };
  let udp: DgramSocket | undefined;
  let tcp: Promise<Socket> | undefined;

  const openTcp = (): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const sock = connect({ host, port });
      sock.setNoDelay(true);
      sock.once('connect', () => {
        sock.off('error', reject);
        sock.on('error', () => sock.destroy());
        sock.once('close', () => {
          if (tcp && sock.destroyed) tcp = undefined;
        });
        resolve(sock);
      });
      sock.once('error', reject);
    });

  const sendUdp = (msg: string) =>
    new Promise<void>((resolve, reject) => {
      udp ??= createSocket(host.includes(':') ? 'udp6' : 'udp4');
      udp.send(msg, port, host, (err) => (err ? reject(err) : resolve()));
    });

  return {
    batchMax: 100,
    async deliver(events: readonly BusEvent[]) {
      if (proto === 'udp') {
        for (const e of events) await sendUdp(formatSyslog(header, e, MAX_DATAGRAM));
        return;
      }
      tcp ??= openTcp();
      const sock = await tcp.catch((err: Error) => {
        tcp = undefined;
        throw new Error(`syslog ${host}:${port}: ${err.message}`);
      });
      const frames = events.map((e) => {
        const msg = formatSyslog(header, e);
        return `${Buffer.byteLength(msg)} ${msg}`;
      });
      await new Promise<void>((resolve, reject) => {
        sock.write(frames.join(''), (err) => {
          if (!err) return resolve();
          sock.destroy();
          tcp = undefined;
          reject(new Error(`syslog ${host}:${port}: ${err.message}`));
        });
      });
    },
    async close() {
      udp?.close();
      udp = undefined;
      const sock = await tcp?.catch(() => undefined);
      tcp = undefined;
      sock?.end();
    },
  };
}
