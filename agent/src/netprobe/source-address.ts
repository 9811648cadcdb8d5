import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * The local address this machine uses to reach `host` (the routing table's answer): a UDP
 * socket is connected to it (no packet is sent) and asked for its own address. That is the
 * address peers on the same network most likely reach this agent at, so it is the one the agent
 * reports for its probe responder. Undefined when there is no route.
 */
export async function sourceAddressToward(host: string, port: number): Promise<string | undefined> {
  let address = host;
  if (isIP(host) === 0) {
    try {
      address = (await lookup(host)).address;
    } catch {
      return undefined;
    }
  }
  const socket = createSocket(isIP(address) === 6 ? 'udp6' : 'udp4');
  try {
    return await new Promise<string | undefined>((resolve) => {
      socket.once('error', () => resolve(undefined));
      socket.connect(port, address, () => {
        try {
          resolve(socket.address().address);
        } catch {
          resolve(undefined);
        }
      });
    });
  } finally {
    try {
      socket.close();
    } catch {
      // already closed
    }
  }
}
