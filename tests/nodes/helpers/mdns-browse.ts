import { createSocket } from 'node:dgram';
import { parseDnsSdAnswer, ptrQuery } from '../../../kernel/agents/index.js';

/** One DNS-SD instance as a browse found it. */
export interface BrowsedService {
  /** `<instance>._omega-agent._tcp.local`. */
  instance: string;
  /** SRV target and port. */
  host: string;
  port: number;
  /** TXT key=value pairs. */
  txt: Record<string, string>;
  /** A records of the target that came with the answer. */
  addresses: string[];
  /** Where the answer came from. */
  from: string;
}

/**
 * Browses `_<service>._tcp.local` the way a one-shot resolver does (RFC 6762 §6.7 legacy
 * unicast: a query from an ephemeral port to 224.0.0.251:5353, sent out of the interface that
 * holds `viaAddress`, answered by unicast), repeating the query every 500 ms until an instance
 * with its SRV and TXT arrives or `timeoutMs` passes. A reader of what the agent announces that
 * shares no code with the agent's responder (the kernel's DNS-SD parser, not ciao).
 */
export function browseOnce(
  service: string,
  viaAddress: string,
  timeoutMs = 15_000,
): Promise<BrowsedService[]> {
  const type = `_${service}._tcp.local`;
  const socket = createSocket({ type: 'udp4', reuseAddr: true });
  const found = new Map<string, BrowsedService>();
  return new Promise<BrowsedService[]>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let repeat: NodeJS.Timeout | undefined;
    const done = (err?: Error) => {
      clearTimeout(timer);
      clearInterval(repeat);
      socket.close();
      if (err) reject(err);
      else resolve([...found.values()]);
    };
    socket.on('error', (err) => done(err));
    socket.on('message', (msg, rinfo) => {
      let answer: ReturnType<typeof parseDnsSdAnswer>;
      try {
        answer = parseDnsSdAnswer(msg, type);
      } catch {
        return;
      }
      for (const s of answer) found.set(s.instance, { ...s, from: rinfo.address });
      if (found.size > 0) done();
    });
    socket.bind(0, viaAddress, () => {
      socket.setMulticastInterface(viaAddress);
      const query = ptrQuery(type);
      const send = () => socket.send(query, 5353, '224.0.0.251');
      send();
      repeat = setInterval(send, 500);
      timer = setTimeout(() => done(), timeoutMs);
    });
  });
}
