import { WebSocket } from 'ws';
import type { BusEvent, EventBus, Subscription } from '../bus/index.js';
import type { Logger } from '../log/index.js';
import { eventFrame, helloFrame, resyncFrame } from './event-frames.js';

/** Close code telling a client to resync (re-read state, then subscribe again). */
export const CLOSE_RESYNC = 4000;

const TEXT = { binary: false } as const;

/** One connected events client, as the gateway tracks it. */
export interface EventsClient {
  readonly ws: WebSocket;
  /** A pong (or the connection itself) arrived since the last ping. */
  alive: boolean;
  /** Stops its subscription and starts a close handshake with `code`. */
  shutdown(code: number, reason: string): void;
  /** Replaces which events it is sent (its principal's rights were checked again). */
  refilter(filter: ((event: BusEvent) => boolean) | undefined): void;
}

/** What {@link serveEventsClient} needs. */
export interface ServeEventsClientOptions {
  bus: EventBus;
  patterns: string[];
  since: number | undefined;
  /** Only the events it passes are sent (events the client may not read are skipped). */
  filter?: (event: BusEvent) => boolean;
  maxBufferedBytes: number;
  logger: Logger;
  onClosed: (client: EventsClient) => void;
}

/**
 * Runs one upgraded connection: sends `hello`, subscribes (replaying from `since` if given),
 * writes one text frame per event, and turns a too-old `since`, a bus overflow or a socket
 * buffer above `maxBufferedBytes` into a `resync` frame followed by close 4000.
 */
export function serveEventsClient(ws: WebSocket, o: ServeEventsClientOptions): EventsClient {
  let sub: Subscription | undefined;
  let done = false;
  let { filter } = o;
  const stop = (): void => {
    done = true;
    sub?.unsubscribe();
  };
  const resync = (reason: 'too-old' | 'overflow'): void => {
    if (done) return;
    stop();
    o.logger.debug({ reason, lastSeq: o.bus.lastSeq }, 'events client must resync');
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(resyncFrame(reason, o.bus.lastSeq));
    ws.close(CLOSE_RESYNC, 'resync');
  };
  const client: EventsClient = {
    ws,
    alive: true,
    shutdown(code, reason) {
      stop();
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code, reason);
    },
    refilter(next) {
      filter = next;
    },
  };

  ws.on('error', (err) => o.logger.debug({ err }, 'events client socket error'));
  ws.on('pong', () => {
    client.alive = true;
  });
  ws.on('close', () => {
    stop();
    o.onClosed(client);
  });

  ws.send(helloFrame(o.bus.lastSeq));
  try {
    sub = o.bus.subscribe(
      o.patterns,
      (batch) => {
        if (done || ws.readyState !== WebSocket.OPEN) return;
        for (const event of batch)
          if (filter === undefined || filter(event)) ws.send(eventFrame(event), TEXT);
        if (ws.bufferedAmount > o.maxBufferedBytes) resync('overflow');
      },
      { ...(o.since === undefined ? {} : { since: o.since }), onResync: (info) => resync(info.reason) },
    );
  } catch (err) {
    o.logger.error({ err }, 'events subscription failed');
    client.shutdown(1011, 'subscription failed');
  }
  return client;
}
