import { connect } from 'node:net';

/** What a kernel answered on a raw socket. */
export interface RawAnswer {
  /** Every byte it sent, as text. */
  text: string;
  /** `text` before the first blank line (status line and headers), and after it. */
  head: string;
  body: string;
  /** The status code of the first response (NaN when none came). */
  status: number;
  /** Its Content-Type ('' when none). */
  type: string;
  /** How long from sending until the socket closed, in ms. */
  ms: number;
}

/**
 * Sends `request` as raw bytes on a new connection to 127.0.0.1 at `url`'s port (or `port`) and
 * collects the answer until the kernel closes the connection, or after `idleMs` of quiet (default
 * 10 s); with `endAfterMs`, this side ends its half after that long (a client done sending).
 */
export function rawRequest(
  to: string | number,
  request: string,
  opts: { idleMs?: number; endAfterMs?: number } = {},
): Promise<RawAnswer> {
  const port = typeof to === 'number' ? to : Number(new URL(to).port);
  const socket = connect(port, '127.0.0.1');
  const started = performance.now();
  let text = '';
  socket.on('data', (d) => {
    text += d.toString();
  });
  socket.write(request);
  if (opts.endAfterMs !== undefined) setTimeout(() => socket.end(), opts.endAfterMs);
  return new Promise((resolve) => {
    const done = () => {
      const cut = text.indexOf('\r\n\r\n');
      const head = cut === -1 ? text : text.slice(0, cut);
      resolve({
        text,
        head,
        body: cut === -1 ? '' : text.slice(cut + 4),
        status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1]),
        type: /\r\ncontent-type: ([^\r]*)/i.exec(head)?.[1] ?? '',
        ms: performance.now() - started,
      });
    };
    socket.on('error', done);
    socket.on('close', done);
    socket.setTimeout(opts.idleMs ?? 10_000, () => socket.destroy());
  });
}
