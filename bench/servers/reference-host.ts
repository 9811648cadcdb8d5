import { Socket } from 'node:net';
import ivm from 'isolated-vm';
import { frameChannel } from './reference-frames.js';

/**
 * The child of the reference plugin path (see reference-plugin.ts): one isolate running the
 * same trivial handler as the bench's echo plugin, entered with `applySync` for each request
 * frame read from fd 3; answers are posted back through one ivm.Callback and every answer of
 * one event-loop turn leaves in one write. Frames both ways: `[u32 length][u32 id][JSON]`.
 */
const sock = new Socket({ fd: 3, readable: true, writable: true });
let entry: ivm.Reference<(id: number, json: string) => void> | undefined;
const post = frameChannel(sock, (id, json) => entry?.applySync(undefined, [id, json], { timeout: 1000 }));

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
entry = dispatch.applySync(undefined, [new ivm.Callback(post)], {
  result: { reference: true },
}) as ivm.Reference<(id: number, json: string) => void>;

sock.on('close', () => process.exit(0));
