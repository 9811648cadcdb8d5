import { FRAME_HEADER_BYTES } from './frame-type.js';

/** Encodes one frame: `[u32 len][u8 type][u32 id][u32 aux][u16 metaLen][meta][body]` (len excludes itself). */
export function encodeFrame(type: number, id: number, aux: number, meta: string, body: string): Buffer {
  const metaLen = Buffer.byteLength(meta);
  if (metaLen > 0xffff) throw new RangeError('frame meta longer than 65535 bytes');
  const bodyLen = Buffer.byteLength(body);
  const buf = Buffer.allocUnsafe(FRAME_HEADER_BYTES + metaLen + bodyLen);
  buf.writeUInt32BE(buf.length - 4, 0);
  buf.writeUInt8(type, 4);
  buf.writeUInt32BE(id >>> 0, 5);
  buf.writeUInt32BE(aux >>> 0, 9);
  buf.writeUInt16BE(metaLen, 13);
  if (metaLen > 0) buf.write(meta, FRAME_HEADER_BYTES, 'utf8');
  if (bodyLen > 0) buf.write(body, FRAME_HEADER_BYTES + metaLen, 'utf8');
  return buf;
}
