import { createSocket } from 'node:dgram';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer } from 'node:net';

/** One POST a webhook receiver took. */
export interface WebhookHit {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A loopback HTTP receiver; `answer` decides each status (default 200). */
export async function webhookReceiver(answer: (n: number) => number = () => 200) {
  const hits: WebhookHit[] = [];
  let n = 0;
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = answer(n++);
      if (status >= 200 && status < 300)
        hits.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/omega?key=hidden`,
    hits,
    attempts: () => n,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A loopback syslog receiver over UDP (one message per datagram). */
export async function udpSyslogReceiver() {
  const messages: string[] = [];
  const sock = createSocket('udp4');
  sock.on('message', (m) => messages.push(m.toString('utf8')));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  return {
    address: `udp://127.0.0.1:${sock.address().port}`,
    messages,
    close: () => new Promise<void>((r) => sock.close(() => r())),
  };
}

/** A loopback syslog receiver over TCP, reading octet-counted frames (RFC 6587). */
export async function tcpSyslogReceiver() {
  const messages: string[] = [];
  const server = createTcpServer((sock) => {
    let buf = Buffer.alloc(0);
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const space = buf.indexOf(0x20);
        if (space < 0) break;
        const len = Number(buf.subarray(0, space).toString());
        if (buf.length < space + 1 + len) break;
        messages.push(buf.subarray(space + 1, space + 1 + len).toString('utf8'));
        buf = buf.subarray(space + 1 + len);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    address: `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`,
    messages,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
      }),
  };
}

/** Polls until `check` holds (the sinks deliver asynchronously), up to `ms`. */
export async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
