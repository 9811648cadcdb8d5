import type { Socket } from 'node:net';

/**
 * Both ends of the reference plugin path talk in `[u32 length][u32 id][JSON]` frames over one
 * socket; every frame sent within one event-loop turn leaves in one write. Installs the reader
 * (calling `onFrame` for each frame received) and returns the sender.
 */
export function frameChannel(
  sock: Socket,
  onFrame: (id: number, json: string) => void,
): (id: number, json: string) => void {
  let out: Buffer[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const buf = out.length === 1 ? out[0]! : Buffer.concat(out);
    out = [];
    sock.write(buf);
  };
  let pending: Buffer = Buffer.alloc(0);
  sock.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let at = 0;
    while (pending.length - at >= 4) {
      const len = pending.readUInt32BE(at);
      if (pending.length - at - 4 < len) break;
      onFrame(pending.readUInt32BE(at + 4), pending.toString('utf8', at + 8, at + 4 + len));
      at += 4 + len;
    }
    pending = at === pending.length ? Buffer.alloc(0) : pending.subarray(at);
  });
  return (id, json) => {
    const n = Buffer.byteLength(json);
    const f = Buffer.allocUnsafe(8 + n);
    f.writeUInt32BE(4 + n, 0);
    f.writeUInt32BE(id, 4);
    f.write(json, 8, 'utf8');
    out.push(f);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
}
