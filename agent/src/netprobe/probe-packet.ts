import { createHmac, timingSafeEqual } from 'node:crypto';

/** Every probe datagram has exactly this many bytes (a reply is never larger than its request). */
export const PROBE_PACKET_BYTES = 48;

/** `OMP1` */
const MAGIC = 0x4f4d5031;
/** Bytes covered by the MAC. */
const SIGNED_BYTES = 36;
const MAC_BYTES = PROBE_PACKET_BYTES - SIGNED_BYTES;

/** A request (answered by the peer) or a reply (its answer). */
export type ProbeKind = 'request' | 'reply';

/** The fields of one probe datagram. */
export interface ProbePacket {
  kind: ProbeKind;
  /** Which plan key MACs it (the peer may hold the previous plan's key for a while). */
  keyId: number;
  /** Sequence number of the prober's run. */
  seq: number;
  /** The prober's monotonic clock when sent, ms (only meaningful to the prober). */
  sentAt: number;
  /** 8 random bytes per prober run: replies to an earlier run are not mistaken for this one. */
  run: Buffer;
}

const mac = (key: Buffer, packet: Buffer): Buffer =>
  createHmac('sha256', key).update(packet.subarray(0, SIGNED_BYTES)).digest().subarray(0, MAC_BYTES);

/**
 * Encodes a probe datagram: magic `OMP1`, kind, key id, sequence, send time, run id, and a
 * 96-bit HMAC-SHA256 over all of it with the plan's key. Layout (big-endian):
 * `0 magic u32 · 4 kind u8 · 5 0 · 6 keyId u16 · 8 seq u32 · 12 sentAt f64 · 20 run 8 bytes ·
 * 28 zero 8 bytes · 36 mac 12 bytes`.
 */
export function encodeProbePacket(p: ProbePacket, key: Buffer): Buffer {
  const b = Buffer.alloc(PROBE_PACKET_BYTES);
  b.writeUInt32BE(MAGIC, 0);
  b.writeUInt8(p.kind === 'request' ? 1 : 2, 4);
  b.writeUInt16BE(p.keyId & 0xffff, 6);
  b.writeUInt32BE(p.seq >>> 0, 8);
  b.writeDoubleBE(p.sentAt, 12);
  p.run.copy(b, 20, 0, 8);
  mac(key, b).copy(b, SIGNED_BYTES);
  return b;
}

/**
 * Decodes and authenticates a datagram: undefined unless it has the exact size, the magic, a
 * known kind, a key the caller holds for its key id, and a MAC made with that key (compared in
 * constant time). Nothing else is ever answered or counted.
 */
export function decodeProbePacket(
  b: Buffer,
  keyFor: (keyId: number) => Buffer | undefined,
): ProbePacket | undefined {
  if (b.length !== PROBE_PACKET_BYTES || b.readUInt32BE(0) !== MAGIC) return undefined;
  const kindByte = b.readUInt8(4);
  if (kindByte !== 1 && kindByte !== 2) return undefined;
  const keyId = b.readUInt16BE(6);
  const key = keyFor(keyId);
  if (!key || !timingSafeEqual(mac(key, b), b.subarray(SIGNED_BYTES))) return undefined;
  return {
    kind: kindByte === 1 ? 'request' : 'reply',
    keyId,
    seq: b.readUInt32BE(8),
    sentAt: b.readDoubleBE(12),
    run: Buffer.from(b.subarray(20, 28)),
  };
}

/** The reply to an authenticated request: the same bytes, kind 2, MAC recomputed. Same size. */
export function replyTo(request: Buffer, key: Buffer): Buffer {
  const b = Buffer.from(request);
  b.writeUInt8(2, 4);
  mac(key, b).copy(b, SIGNED_BYTES);
  return b;
}
