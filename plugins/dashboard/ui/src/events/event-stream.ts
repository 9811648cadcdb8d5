import { createStore, type Store } from '../state/store.js';
import { topicMatches } from './topic-matches.js';

/** One event from the kernel's stream. */
export interface StreamEvent {
  seq: number;
  topic: string;
  time: string;
  data: unknown;
}

/** The connection as the UI shows it. */
export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

/** Options of {@link createEventStream}. */
export interface EventStreamOptions {
  /** Patterns, e.g. `metrics.alert.*`; fixed for the life of the stream. */
  topics: readonly string[];
  /** The bearer token for the next connection attempt (null: wait). */
  token(): string | null;
  /** ws(s)://host — defaults to the page's origin. */
  origin?: string;
}

/** The one WebSocket the dashboard holds to `/api/v1/events`. */
export interface EventStream {
  readonly status: Store<StreamStatus>;
  /** The last sequence number received (resume point). */
  lastSeq(): number;
  /** Calls `fn` for every event whose topic matches `pattern` (`*` one segment, `**` the rest); returns its undo. */
  on(pattern: string, fn: (event: StreamEvent) => void): () => void;
  /** Calls `fn` when the server could not resume (state must be re-read). Returns its undo. */
  onResync(fn: () => void): () => void;
  start(): void;
  stop(): void;
}

const BACKOFF_MS = [250, 500, 1000, 2000, 3000];
/** A silent connection (no frame, not even the hello) for this long is replaced. */
const HELLO_TIMEOUT_MS = 5000;

/**
 * One authenticated WebSocket (`omega.v1` + `bearer.<token>` subprotocols, since the browser
 * cannot set headers) with resume by sequence: every reconnect asks for `since=<last seq>`, so
 * events published while the socket was down arrive after it, in order, once. A `resync`
 * answer (the kernel no longer holds them) tells listeners to re-read state. No polling.
 */
export function createEventStream(opts: EventStreamOptions): EventStream {
  const status = createStore<StreamStatus>('connecting');
  const handlers = new Set<{ pattern: string; fn: (e: StreamEvent) => void }>();
  const resyncs = new Set<() => void>();
  let ws: WebSocket | null = null;
  let last = -1;
  let attempt = 0;
  let running = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let helloTimer: ReturnType<typeof setTimeout> | undefined;

  const origin = opts.origin ?? `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}`;

  const dispatch = (e: StreamEvent) => {
    if (e.seq <= last) return;
    last = e.seq;
    for (const h of [...handlers]) {
      if (!topicMatches(h.pattern, e.topic)) continue;
      try {
        h.fn(e);
      } catch (err) {
        console.error('event handler failed', e.topic, err);
      }
    }
  };

  const schedule = () => {
    if (!running) return;
    status.set(attempt === 0 && last < 0 ? 'connecting' : 'reconnecting');
    const base = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] ?? 3000;
    attempt++;
    retry = setTimeout(connect, base + Math.floor(Math.random() * base * 0.2));
  };

  const connect = () => {
    retry = undefined;
    if (!running) return;
    const token = opts.token();
    if (!token) {
      schedule();
      return;
    }
    const q = new URLSearchParams({ topics: opts.topics.join(',') });
    if (last >= 0) q.set('since', String(last));
    let socket: WebSocket;
    try {
      socket = new WebSocket(`${origin}/api/v1/events?${q}`, ['omega.v1', `bearer.${token}`]);
    } catch {
      schedule();
      return;
    }
    ws = socket;
    helloTimer = setTimeout(() => socket.close(), HELLO_TIMEOUT_MS);
    socket.onmessage = (msg) => {
      let frame: { type?: string; lastSeq?: number } & Partial<StreamEvent>;
      try {
        frame = JSON.parse(String(msg.data));
      } catch {
        return;
      }
      if (frame.type === 'hello') {
        clearTimeout(helloTimer);
        attempt = 0;
        if (last < 0 && typeof frame.lastSeq === 'number') last = frame.lastSeq;
        status.set('live');
      } else if (frame.type === 'event' && typeof frame.seq === 'number' && typeof frame.topic === 'string') {
        dispatch(frame as StreamEvent);
      } else if (frame.type === 'resync') {
        last = -1;
        for (const fn of [...resyncs]) fn();
      }
    };
    socket.onclose = () => {
      clearTimeout(helloTimer);
      if (ws === socket) ws = null;
      schedule();
    };
  };

  return {
    status,
    lastSeq: () => last,
    on(pattern, fn) {
      const h = { pattern, fn };
      handlers.add(h);
      return () => handlers.delete(h);
    },
    onResync(fn) {
      resyncs.add(fn);
      return () => resyncs.delete(fn);
    },
    start() {
      if (running) return;
      running = true;
      attempt = 0;
      connect();
    },
    stop() {
      running = false;
      if (retry) clearTimeout(retry);
      clearTimeout(helloTimer);
      const s = ws;
      ws = null;
      s?.close(1000, 'signed out');
      status.set('offline');
    },
  };
}
