import { readFile } from 'node:fs/promises';
import { isIPv4 } from 'node:net';

/** What TCP says about a connection the application has gone silent on. */
export type TransportEvidence = 'acked' | 'unacked' | 'unknown';

/** One endpoint of a TCP connection. */
export interface Endpoint {
  address: string;
  port: number;
}

/** `1.2.3.4` → `04030201` (/proc/net/tcp prints IPv4 as one little-endian 32-bit word). */
function ipv4Hex(address: string): string {
  return address
    .split('.')
    .map((o) => Number(o).toString(16).padStart(2, '0').toUpperCase())
    .reverse()
    .join('');
}

/** The 16 bytes of an IPv6 address (`::` compression and a trailing dotted IPv4 allowed), or undefined. */
function ipv6Bytes(address: string): number[] | undefined {
  let a = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(a);
  if (dotted) {
    const o = dotted.slice(1).map(Number);
    a = `${a.slice(0, dotted.index)}${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const halves = a.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const groups = [...head, ...new Array<string>(Math.max(fill, 0)).fill('0'), ...tail];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return groups.flatMap((g) => {
    const v = Number.parseInt(g, 16);
    return [v >> 8, v & 0xff];
  });
}

/** An IPv6 address as /proc/net/tcp6 prints it: four 32-bit words, each little-endian. */
function ipv6Hex(address: string): string | undefined {
  const bytes = ipv6Bytes(address);
  if (!bytes) return undefined;
  let out = '';
  for (let w = 0; w < 4; w++)
    for (let b = 3; b >= 0; b--) out += bytes[w * 4 + b]!.toString(16).padStart(2, '0').toUpperCase();
  return out;
}

const hexPort = (p: number): string => p.toString(16).padStart(4, '0').toUpperCase();

/** The `/proc/net/tcp{,6}` key of an endpoint, or undefined when it cannot be written there. */
export function procKey(e: Endpoint): { file: 'tcp' | 'tcp6'; key: string } | undefined {
  if (isIPv4(e.address)) return { file: 'tcp', key: `${ipv4Hex(e.address)}:${hexPort(e.port)}` };
  const v6 = ipv6Hex(e.address);
  return v6 ? { file: 'tcp6', key: `${v6}:${hexPort(e.port)}` } : undefined;
}

/**
 * Reads one connection's row of `/proc/net/tcp` (or tcp6) text: the bytes still unacknowledged
 * (`tx_queue`), whether the retransmission timer runs, and its count of unrecovered timeouts.
 */
export function parseTcpRow(
  text: string,
  local: string,
  remote: string,
): { txQueue: number; retransmitTimer: boolean; retransmits: number } | undefined {
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[1] !== local || f[2] !== remote) continue;
    const [tx] = (f[4] ?? '').split(':');
    const [timer] = (f[5] ?? '').split(':');
    return {
      txQueue: Number.parseInt(tx ?? '0', 16),
      retransmitTimer: timer === '01',
      retransmits: Number.parseInt(f[6] ?? '0', 16),
    };
  }
  return undefined;
}

/** What TCP's row of a connection says: see {@link tcpEvidence}. */
function judgeRow(row: ReturnType<typeof parseTcpRow>): TransportEvidence {
  if (!row) return 'unknown';
  if (row.txQueue > 0 && (row.retransmitTimer || row.retransmits > 0)) return 'unacked';
  return row.txQueue === 0 ? 'acked' : 'unknown';
}

/**
 * Asks the kernel's TCP stack whether the peer of a connection still acknowledges our data
 * (after the application went silent, we have sent pings since): nothing outstanding → the
 * machine is there and acks (`acked`: the agent process is hung); data outstanding with the
 * retransmission timer running → `unacked` (the link is cut or the machine is gone). Linux
 * only (`/proc/net/tcp`); anything else → `unknown`.
 */
export async function tcpEvidence(
  local: Endpoint,
  remote: Endpoint,
  procNet = '/proc/self/net',
): Promise<TransportEvidence> {
  const [answer] = await tcpEvidenceMany([{ local, remote }], procNet);
  return answer ?? 'unknown';
}

/**
 * {@link tcpEvidence} for many connections at once, in their order: each `/proc/net/tcp{,6}`
 * is read and scanned once for all of them. With 10,000 agents the file has 10,000 rows, so
 * one read per silent connection would cost O(n) each — and many fall silent together when
 * the kernel itself stalls.
 */
export async function tcpEvidenceMany(
  conns: ReadonlyArray<{ local: Endpoint; remote: Endpoint }>,
  procNet = '/proc/self/net',
): Promise<TransportEvidence[]> {
  const keys = conns.map(({ local, remote }) => {
    const l = procKey(local);
    const r = procKey(remote);
    return l && r && l.file === r.file ? { file: l.file, key: `${l.key} ${r.key}` } : undefined;
  });
  const rows = new Map<string, ReturnType<typeof parseTcpRow>>();
  for (const file of ['tcp', 'tcp6'] as const) {
    const wanted = new Set(keys.filter((k) => k?.file === file).map((k) => k!.key));
    if (wanted.size === 0) continue;
    let text: string;
    try {
      text = await readFile(`${procNet}/${file}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const f = line.trim().split(/\s+/);
      const key = `${f[1]} ${f[2]}`;
      if (!wanted.has(key) || rows.has(key)) continue;
      rows.set(key, parseTcpRow(line, f[1]!, f[2]!));
    }
  }
  return keys.map((k) => (k ? judgeRow(rows.get(k.key)) : 'unknown'));
}
