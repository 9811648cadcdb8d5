import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { BusEvent, EventBus } from '../bus/index.js';
import { hasErrorCode, omegaError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { checkHandshake } from './check-handshake.js';
import { claimUpgrade, refuseUnclaimed } from './claim-upgrade.js';
import { EVENTS_SUBPROTOCOL } from './event-frames.js';
import { normaliseBearer } from './normalise-bearer.js';
import { parseEventsQuery } from './parse-events-query.js';
import { credentialRecheck, RECHECKS_AT_ONCE, type UpgradeCredentials } from './recheck-credential.js';
import { type EventsClient, serveEventsClient } from './serve-events-client.js';
import { writeUpgradeProblem } from './write-upgrade-problem.js';

/** How long close() waits for clients to answer the 1001 close before terminating them. */
const CLOSE_GRACE_MS = 1_000;
/** Clients only listen; anything they send is ignored, and large frames are refused. */
const MAX_INCOMING_BYTES = 4 * 1024;

/** Options of {@link attachEventsGateway}. */
export interface EventsGatewayOptions {
  server: HttpServer | HttpsServer;
  bus: EventBus;
  /** Default `/api/v1/events`. */
  path?: string;
  /**
   * The principal, or null when the request carries no valid credentials. Asked at the upgrade,
   * then again at every ping with the upgrade's headers and remote address.
   */
  authenticate: (req: UpgradeCredentials) => Promise<unknown | null>;
  /** The first pattern the principal may not subscribe to, or null when all are allowed. */
  authorize?: (principal: unknown, patterns: string[]) => Promise<string | null>;
  /**
   * Which of the events its patterns match the principal may receive (events owned by other
   * users are withheld), or undefined for all of them. Applied to replayed events too.
   */
  filterFor?: (principal: unknown) => ((event: BusEvent) => boolean) | undefined;
  logger: Logger;
  pingIntervalMs: number;
  maxBufferedBytes: number;
  /** Most patterns in one `topics` query (default 32). */
  maxPatterns?: number;
}

/** A running gateway; `close` is its undo. */
export interface EventsGateway {
  /** Closes every client with 1001 (terminating laggards after a short grace) and stops all timers. */
  close(): Promise<void>;
  clientCount(): number;
}

/**
 * Serves `GET <path>?topics=a.*,b.**&since=SEQ` as a WebSocket stream of bus events (`ws`
 * in noServer mode). Authentication, query validation and authorization happen before
 * the upgrade; a refusal is a real HTTP response with a problem+json body (401, 400, 403).
 *
 * Upgrades to other paths are not this gateway's: they are left to the server's other
 * 'upgrade' listeners. Only when this gateway is the sole listener does it answer them
 * with 404 (Node would otherwise leave the socket hanging).
 */
export function attachEventsGateway(opts: EventsGatewayOptions): EventsGateway {
  const path = opts.path ?? '/api/v1/events';
  const maxPatterns = opts.maxPatterns ?? 32;
  const { server, bus, logger } = opts;
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: MAX_INCOMING_BYTES,
    handleProtocols: (offered) => (offered.has(EVENTS_SUBPROTOCOL) ? EVENTS_SUBPROTOCOL : false),
  });
  const clients = new Set<EventsClient>();
  /** Each client's credential check, run again at every ping (see {@link recheckOf}). */
  const rechecks = new WeakMap<EventsClient, () => Promise<void>>();
  /**
   * The streams whose check is due, run {@link RECHECKS_AT_ONCE} at a time from `next`; a stream
   * still waiting at the next ping keeps its one place (with a slow provider the queue would
   * otherwise grow by every stream at every ping).
   */
  let due: EventsClient[] = [];
  let next = 0;
  const waiting = new Set<EventsClient>();
  let checking = 0;
  const runDue = (): void => {
    while (checking < RECHECKS_AT_ONCE && next < due.length) {
      const client = due[next++] as EventsClient;
      waiting.delete(client);
      const check = rechecks.get(client);
      if (!check) continue;
      checking++;
      void check().finally(() => {
        checking--;
        runDue();
      });
    }
    if (next >= due.length) {
      due = [];
      next = 0;
    }
  };

  const upgrading = new Set<Duplex>();
  let closing: Promise<void> | null = null;

  const accept = async (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> => {
    checkHandshake(req);
    normaliseBearer(req);
    const principal = await opts.authenticate(req);
    if (principal === null || principal === undefined) {
      throw omegaError(
        'OMEGA_ERR_UNAUTHENTICATED',
        `Send a valid bearer token: the Authorization header, or the subprotocols ${EVENTS_SUBPROTOCOL} and bearer.<token>.`,
      );
    }
    const { patterns, since } = parseEventsQuery(url.searchParams, maxPatterns);
    const denied = opts.authorize ? await opts.authorize(principal, patterns) : null;
    if (denied !== null && denied !== undefined) {
      throw omegaError('OMEGA_ERR_FORBIDDEN', `You may not subscribe to "${denied}".`, {
        pattern: denied,
        permission: `events:subscribe:${denied}`,
      });
    }
    if (closing) throw omegaError('OMEGA_ERR_UNAVAILABLE', 'The events gateway is shutting down.');
    if (socket.destroyed) return;
    const filter = opts.filterFor?.(principal);
    upgrading.delete(socket);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const client: EventsClient = serveEventsClient(ws, {
        bus,
        patterns,
        since,
        ...(filter ? { filter } : {}),
        maxBufferedBytes: opts.maxBufferedBytes,
        logger,
        onClosed: (c) => clients.delete(c),
      });
      clients.add(client);
      rechecks.set(client, credentialRecheck(client, req, patterns, opts));
      logger.debug({ remote: req.socket.remoteAddress, patterns, since }, 'events client connected');
    });
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = parseUrl(req.url);
    if (url?.pathname !== path) {
      refuseUnclaimed(server, onUpgrade, req, socket);
      return;
    }
    claimUpgrade(req);
    socket.on('error', (err) => logger.debug({ err }, 'events socket error during upgrade'));
    if (closing) {
      writeUpgradeProblem(
        socket,
        omegaError('OMEGA_ERR_UNAVAILABLE', 'The events gateway is shutting down.'),
        path,
      );
      return;
    }
    upgrading.add(socket);
    accept(req, socket, head, url)
      .catch((err: unknown) => {
        if (!hasErrorCode(err)) logger.error({ err }, 'events upgrade failed');
        const status = writeUpgradeProblem(socket, err, path);
        logger.debug({ status, remote: req.socket.remoteAddress }, 'events upgrade refused');
      })
      .finally(() => upgrading.delete(socket));
  };
  server.on('upgrade', onUpgrade);

  const keepAlive = setInterval(() => {
    for (const c of clients) {
      if (!c.alive) {
        logger.debug('events client missed a pong; terminating');
        c.ws.terminate();
        continue;
      }
      c.alive = false;
      try {
        c.ws.ping();
      } catch (err) {
        logger.debug({ err }, 'events ping failed');
      }
      if (!waiting.has(c)) {
        waiting.add(c);
        due.push(c);
      }
    }
    runDue();
  }, opts.pingIntervalMs);
  keepAlive.unref();

  const shutDown = async (): Promise<void> => {
    server.off('upgrade', onUpgrade);
    clearInterval(keepAlive);
    due = [];
    next = 0;
    waiting.clear();
    for (const socket of upgrading) socket.destroy();
    upgrading.clear();
    const all = [...clients];
    const closed = Promise.all(all.map((c) => new Promise<void>((r) => whenClosed(c, r))));
    for (const c of all) c.shutdown(1001, 'server shutting down');
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise<void>((r) => (grace = setTimeout(r, CLOSE_GRACE_MS)))]);
    clearTimeout(grace);
    for (const c of clients) c.ws.terminate();
    await closed;
    await new Promise<void>((r) => wss.close(() => r()));
  };

  return {
    close: () => {
      closing ??= shutDown();
      return closing;
    },
    clientCount: () => clients.size,
  };
}

function whenClosed(c: EventsClient, done: () => void): void {
  if (c.ws.readyState === WebSocket.CLOSED) done();
  else c.ws.once('close', () => done());
}

function parseUrl(raw: string | undefined): URL | null {
  try {
    return new URL(raw ?? '/', 'http://gateway.invalid');
  } catch {
    return null;
  }
}
