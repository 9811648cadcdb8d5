import { createSocket } from 'node:dgram';

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

const TYPE = { A: 1, PTR: 12, TXT: 16, SRV: 33 } as const;

function encodeName(name: string): Buffer {
  const parts = name.split('.').filter(Boolean);
  return Buffer.concat([
    ...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p)])),
    Buffer.from([0]),
  ]);
}

/** Reads a (possibly compressed, RFC 1035 §4.1.4) name at `offset`; answers it and the offset after it. */
function readName(buf: Buffer, offset: number): [string, number] {
  const labels: string[] = [];
  let pos = offset;
  let end = -1;
  for (let jumps = 0; jumps < 32; jumps++) {
    const len = buf.readUInt8(pos);
    if (len === 0) {
      return [labels.join('.'), end === -1 ? pos + 1 : end];
    }
    if ((len & 0xc0) === 0xc0) {
      if (end === -1) end = pos + 2;
      pos = buf.readUInt16BE(pos) & 0x3fff;
      continue;
    }
    labels.push(buf.toString('utf8', pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  throw new Error('DNS name with a compression loop');
}

interface Record_ {
  name: string;
  type: number;
  data: Buffer;
  dataOffset: number;
}

/** Every resource record of a DNS message (answers, authority and additionals). */
function parseRecords(buf: Buffer): Record_[] {
  const qd = buf.readUInt16BE(4);
  const total = buf.readUInt16BE(6) + buf.readUInt16BE(8) + buf.readUInt16BE(10);
  let pos = 12;
  for (let i = 0; i < qd; i++) pos = readName(buf, pos)[1] + 4;
  const out: Record_[] = [];
  for (let i = 0; i < total; i++) {
    const [name, after] = readName(buf, pos);
    const type = buf.readUInt16BE(after);
    const len = buf.readUInt16BE(after + 8);
    out.push({ name, type, data: buf.subarray(after + 10, after + 10 + len), dataOffset: after + 10 });
    pos = after + 10 + len;
  }
  return out;
}

/**
 * Browses `_<service>._tcp.local` the way a one-shot resolver does (RFC 6762 §6.7 legacy
 * unicast: a query from an ephemeral port to 224.0.0.251:5353, sent out of the interface that
 * holds `viaAddress`, answered by unicast), repeating the query every 500 ms until an instance
 * with its SRV and TXT arrives or `timeoutMs` passes. A test-side, independent reader of what the
 * agent announces: it shares no code with the responder.
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
      let records: Record_[];
      try {
        records = parseRecords(msg);
      } catch {
        return;
      }
      const instances = records
        .filter((r) => r.type === TYPE.PTR && r.name.toLowerCase() === type.toLowerCase())
        .map((r) => readName(msg, r.dataOffset)[0]);
      for (const instance of instances) {
        const srv = records.find((r) => r.type === TYPE.SRV && r.name === instance);
        const txtRecord = records.find((r) => r.type === TYPE.TXT && r.name === instance);
        if (!srv || !txtRecord) continue;
        const host = readName(msg, srv.dataOffset + 6)[0];
        const txt: Record<string, string> = {};
        for (let p = 0; p < txtRecord.data.length; ) {
          const len = txtRecord.data.readUInt8(p);
          const entry = txtRecord.data.toString('utf8', p + 1, p + 1 + len);
          const eq = entry.indexOf('=');
          if (eq > 0) txt[entry.slice(0, eq)] = entry.slice(eq + 1);
          p += 1 + len;
        }
        const addresses = records
          .filter((r) => r.type === TYPE.A && r.name === host && r.data.length === 4)
          .map((r) => [...r.data].join('.'));
        found.set(instance, {
          instance,
          host,
          port: srv.data.readUInt16BE(4),
          txt,
          addresses,
          from: rinfo.address,
        });
      }
      if (found.size > 0) done();
    });
    socket.bind(0, viaAddress, () => {
      socket.setMulticastInterface(viaAddress);
      const id = 1 + Math.floor(Math.random() * 0xfffe);
      const header = Buffer.alloc(12);
      header.writeUInt16BE(id, 0);
      header.writeUInt16BE(1, 4);
      const query = Buffer.concat([header, encodeName(type), Buffer.from([0, TYPE.PTR, 0, 1])]);
      const send = () => socket.send(query, 5353, '224.0.0.251');
      send();
      repeat = setInterval(send, 500);
      timer = setTimeout(() => done(), timeoutMs);
    });
  });
}
