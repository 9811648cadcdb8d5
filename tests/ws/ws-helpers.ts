import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ClientOptions, WebSocket } from 'ws';
import { createEventBus, type EventBus, type EventBusOptions } from '../../kernel/bus/index.js';
import type { Logger } from '../../kernel/log/index.js';
import { attachEventsGateway, type EventsGateway, type EventsGatewayOptions } from '../../kernel/ws/index.js';
import { memoryLogger } from '../bus/helpers.js';

export const GOOD_TOKEN = 'tok-3f9a1c77e2d54b0c9aa1';

/** A real HTTP server on 127.0.0.1:0 with a bus and the events gateway attached. */
export interface Harness {
  server: Server;
  bus: EventBus;
  gateway: EventsGateway;
  logger: Logger;
  lines: string[];
  base: string;
  stop(): Promise<void>;
}

export async function startHarness(
  opts: { bus?: Partial<EventBusOptions>; gateway?: Partial<EventsGatewayOptions> } = {},
): Promise<Harness> {
  const { logger, lines } = memoryLogger();
  const bus = createEventBus({
    replayMaxEvents: 1_000,
    replayMaxAgeMs: 60_000,
    subscriberQueueMax: 1_000,
    logger,
    ...opts.bus,
  });
  const server = createServer((_req, res) => res.writeHead(404).end());
  const gateway = attachEventsGateway({
    server,
    bus,
    logger,
    pingIntervalMs: 60_000,
    maxBufferedBytes: 1024 * 1024,
    authenticate: async (req) =>
      req.headers.authorization === `Bearer ${GOOD_TOKEN}` ? { user: 'alice' } : null,
    authorize: async (_principal, patterns) => patterns.find((p) => p.startsWith('secret')) ?? null,
    ...opts.gateway,
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    bus,
    gateway,
    logger,
    lines,
    base: `ws://127.0.0.1:${port}`,
    stop: async () => {
      await gateway.close();
      bus.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** One parsed JSON frame from the gateway. */
export type Frame = { type: string; [k: string]: unknown };

/** A real `ws` client that records frames and its close code. */
export interface TestClient {
  ws: WebSocket;
  frames: Frame[];
  opened: Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves when at least `n` frames have arrived (or rejects when the socket closes first). */
  waitFrames(n: number): Promise<Frame[]>;
}

export function connect(url: string, options: ClientOptions & { protocols?: string[] } = {}): TestClient {
  const { protocols, ...rest } = options;
  const ws = new WebSocket(url, protocols ?? [], rest);
  const frames: Frame[] = [];
  const waiters: { n: number; resolve: (f: Frame[]) => void; reject: (e: Error) => void }[] = [];
  ws.on('message', (data) => {
    frames.push(JSON.parse(String(data)) as Frame);
    for (const w of [...waiters]) {
      if (frames.length >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(frames);
      }
    }
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => {
      for (const w of waiters.splice(0)) w.reject(new Error(`closed ${code} with ${frames.length} frames`));
      resolve({ code, reason: String(reason) });
    });
  });
  ws.on('error', () => {});
  return {
    ws,
    frames,
    opened,
    closed,
    waitFrames: (n) =>
      frames.length >= n
        ? Promise.resolve(frames)
        : new Promise((resolve, reject) => waiters.push({ n, resolve, reject })),
  };
}

/** The HTTP response that refused an upgrade. */
export interface UpgradeRefusal {
  status: number;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export function refused(
  url: string,
  options: ClientOptions & { protocols?: string[] } = {},
): Promise<UpgradeRefusal> {
  const { protocols, ...rest } = options;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols ?? [], rest);
    ws.on('open', () => {
      ws.terminate();
      reject(new Error('upgrade unexpectedly accepted'));
    });
    ws.on('error', () => {});
    ws.on('unexpected-response', (_req, res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) });
        ws.terminate();
      });
    });
  });
}

export const auth = { headers: { authorization: `Bearer ${GOOD_TOKEN}` } };
