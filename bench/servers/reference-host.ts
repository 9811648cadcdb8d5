import { Socket } from 'node:net';
import ivm from 'isolated-vm';

/**
 * The child of the reference plugin path (see reference-plugin.ts): one isolate running the
 * same trivial handler as the bench's echo plugin, entered with `applySync` for each request
 * frame read from fd 3; answers are posted back through one ivm.Callback and every answer of
 * one event-loop turn leaves in one write. Frames both ways: `[u32 length][u32 id][JSON]`.
 */
const sock = new Socket({ fd: 3, readable: true, writable: true });
let out: Buffer[] = [];
let scheduled = false;
const flush = () => {
  scheduled = false;
  const buf = out.length === 1 ? out[0]! : Buffer.concat(out);
  out = [];
  sock.write(buf);
};
const post = (id: number, json: string) => {
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

const isolate = new ivm.Isolate({ memoryLimit: 64 });
const context = isolate.createContextSync();
const dispatch = context.evalSync(
  `(function (post) {
    const routes = { hello: (req) => ({ status: 200, body: { hello: 'world' } }) };
    return function (id, reqJson) {
      const req = JSON.parse(reqJson);
      Promise.resolve(routes.hello(req)).then((r) => post(id, JSON.stringify(r)));
    };
  })`,
  { reference: true },
) as ivm.Reference<(post: unknown) => unknown>;
const entry = dispatch.applySync(undefined, [new ivm.Callback(post)], {
  result: { reference: true },
}) as ivm.Reference<(id: number, json: string) => void>;

let pending: Buffer = Buffer.alloc(0);
sock.on('data', (chunk: Buffer) => {
  pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
  let at = 0;
  while (pending.length - at >= 4) {
    const len = pending.readUInt32BE(at);
    if (pending.length - at - 4 < len) break;
    const id = pending.readUInt32BE(at + 4);
    const json = pending.toString('utf8', at + 8, at + 4 + len);
    entry.applySync(undefined, [id, json], { timeout: 1000 });
    at += 4 + len;
  }
  pending = at === pending.length ? Buffer.alloc(0) : pending.subarray(at);
});
sock.on('close', () => process.exit(0));
