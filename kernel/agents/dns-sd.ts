/**
 * Just enough DNS (RFC 1035) for DNS-SD browsing over mDNS (RFC 6762/6763): a PTR query and
 * the PTR, SRV, TXT and A records of an answer. Hostile input throws (caught by the caller).
 */

/** Record types used by DNS-SD. */
export const DNS_TYPE = { A: 1, PTR: 12, TXT: 16, SRV: 33 } as const;

/** One service instance an answer describes. */
export interface DnsSdInstance {
  /** `<instance>._<service>._tcp.local`. */
  instance: string;
  /** SRV target and port. */
  host: string;
  port: number;
  /** TXT key=value pairs. */
  txt: Record<string, string>;
  /** A records of the target that came with the answer. */
  addresses: string[];
}

function encodeName(name: string): Buffer {
  const parts = name.split('.').filter(Boolean);
  return Buffer.concat([
    ...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p)])),
    Buffer.from([0]),
  ]);
}

/** A one-question PTR query for `type` (e.g. `_omega-agent._tcp.local`). */
export function ptrQuery(type: string, id = 1 + Math.floor(Math.random() * 0xfffe)): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(1, 4);
  return Buffer.concat([header, encodeName(type), Buffer.from([0, DNS_TYPE.PTR, 0, 1])]);
}

/** Reads a (possibly compressed, RFC 1035 §4.1.4) name at `offset`; answers it and the offset after it. */
function readName(buf: Buffer, offset: number): [string, number] {
  const labels: string[] = [];
  let pos = offset;
  let end = -1;
  for (let jumps = 0; jumps < 32; jumps++) {
    const len = buf.readUInt8(pos);
    if (len === 0) return [labels.join('.'), end === -1 ? pos + 1 : end];
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

interface DnsRecord {
  name: string;
  type: number;
  data: Buffer;
  dataOffset: number;
}

/** Every resource record of a DNS message (answers, authority and additionals). */
function parseRecords(buf: Buffer): DnsRecord[] {
  const qd = buf.readUInt16BE(4);
  const total = buf.readUInt16BE(6) + buf.readUInt16BE(8) + buf.readUInt16BE(10);
  let pos = 12;
  for (let i = 0; i < qd; i++) pos = readName(buf, pos)[1] + 4;
  const out: DnsRecord[] = [];
  for (let i = 0; i < total; i++) {
    const [name, after] = readName(buf, pos);
    const type = buf.readUInt16BE(after);
    const len = buf.readUInt16BE(after + 8);
    if (after + 10 + len > buf.length) throw new Error('DNS record past the end of the message');
    out.push({ name, type, data: buf.subarray(after + 10, after + 10 + len), dataOffset: after + 10 });
    pos = after + 10 + len;
  }
  return out;
}

function parseTxt(data: Buffer): Record<string, string> {
  const txt: Record<string, string> = {};
  for (let p = 0; p < data.length; ) {
    const len = data.readUInt8(p);
    const entry = data.toString('utf8', p + 1, p + 1 + len);
    const eq = entry.indexOf('=');
    if (eq > 0) txt[entry.slice(0, eq)] = entry.slice(eq + 1);
    p += 1 + len;
  }
  return txt;
}

/**
 * The instances of `type` a DNS message describes with both their SRV and TXT records (an
 * instance without them cannot be reached or judged and is left out). Throws on a malformed message.
 */
export function parseDnsSdAnswer(msg: Buffer, type: string): DnsSdInstance[] {
  const records = parseRecords(msg);
  const out: DnsSdInstance[] = [];
  const instances = records
    .filter((r) => r.type === DNS_TYPE.PTR && r.name.toLowerCase() === type.toLowerCase())
    .map((r) => readName(msg, r.dataOffset)[0]);
  for (const instance of instances) {
    const srv = records.find((r) => r.type === DNS_TYPE.SRV && r.name === instance);
    const txt = records.find((r) => r.type === DNS_TYPE.TXT && r.name === instance);
    if (!srv || !txt || srv.data.length < 7) continue;
    const host = readName(msg, srv.dataOffset + 6)[0];
    out.push({
      instance,
      host,
      port: srv.data.readUInt16BE(4),
      txt: parseTxt(txt.data),
      addresses: records
        .filter((r) => r.type === DNS_TYPE.A && r.name === host && r.data.length === 4)
        .map((r) => [...r.data].join('.')),
    });
  }
  return out;
}
