import { omegaError } from '../errors/index.js';

/**
 * Reads a request body stream, refusing it (413) once it passes `limit` bytes — checked on
 * the declared Content-Length first and again while streaming, so a body without a length
 * (chunked) is capped too.
 */
export async function readCappedBody(req: Request, limit: number): Promise<Uint8Array> {
  const declared = req.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) {
    throw omegaError('OMEGA_ERR_PAYLOAD_TOO_LARGE', `The body is ${declared} bytes; the limit is ${limit}.`, {
      limit,
    });
  }
  if (!req.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw omegaError('OMEGA_ERR_PAYLOAD_TOO_LARGE', `The body exceeds the limit of ${limit} bytes.`, {
        limit,
      });
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
