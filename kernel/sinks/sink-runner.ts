import type { BusEvent, EventBus, Subscription } from '../bus/index.js';
import type { Logger } from '../log/index.js';
import type { NamespaceView } from '../storage/index.js';
import type { SinkConfig } from './sink-config.js';
import { SinkRejected, type SinkTransport } from './sink-transport.js';

/** What `GET /api/v1/events/sinks` shows of one sink. */
export interface SinkStatus {
  name: string;
  type: SinkConfig['type'];
  /** Where it delivers, without credentials. */
  target: string;
  topics: string[];
  state: 'idle' | 'delivering' | 'retrying' | 'stopped';
  /** The last seq delivered (or dropped); a restart resumes after it. */
  cursor: number;
  delivered: number;
  /** Events the destination refused for good. */
  rejected: number;
  /** Failed delivery attempts (each retried). */
  failures: number;
  /** Ranges of events that left the replay window before they could be delivered. */
  gaps: Array<{ after: number; resumedAt: number }>;
  lastDeliveredAt?: string;
  lastError?: string;
  nextRetryAt?: string;
}

/** Options of {@link startSinkRunner}. */
export interface SinkRunnerOptions {
  config: SinkConfig;
  target: string;
  transport: SinkTransport;
  bus: EventBus;
  /** Where the cursor is kept (the kernel's namespace, collection `sinks`). */
  store: NamespaceView;
  logger: Logger;
  /** Retry backoff bounds, ms (default 1 s doubling to 60 s). */
  backoff?: { minMs: number; maxMs: number };
  /** How often the cursor is written at most, ms (default 1000). */
  persistEveryMs?: number;
}

/** A running sink: its status and its undo. */
export interface SinkRunner {
  status(): SinkStatus;
  close(): Promise<void>;
}

const COLLECTION = 'sinks';

/**
 * Forwards matching bus events to a transport, in order, at least once. The bus's replay window
 * is the buffer: the subscription resumes from the stored cursor after a restart (or after the
 * bus cut a slow sink off), so a receiver that is down for a while loses nothing the window still
 * holds; what left the window first is recorded as a gap and logged. A batch that fails is
 * retried with exponential backoff until it is delivered, refused for good, or the sink stops.
 */
export async function startSinkRunner(opts: SinkRunnerOptions): Promise<SinkRunner> {
  const { config, transport, bus, store, logger } = opts;
  const minMs = opts.backoff?.minMs ?? 1000;
  const maxMs = opts.backoff?.maxMs ?? 60_000;
  const persistEvery = opts.persistEveryMs ?? 1000;
  const stored = await store.get<{ seq: number }>(COLLECTION, config.name);
  const s: SinkStatus = {
    name: config.name,
    type: config.type,
    target: opts.target,
    topics: [...config.topics],
    state: 'idle',
    cursor: stored?.value.seq ?? bus.lastSeq,
    delivered: 0,
    rejected: 0,
    failures: 0,
    gaps: [],
  };
  const stop = new AbortController();
  let sub: Subscription | undefined;
  let inflight: Promise<void> | undefined;
  let resubscribeFrom: number | undefined;
  let persisted = stored?.value.seq;
  let persistTimer: NodeJS.Timeout | undefined;

  const persist = async () => {
    persistTimer = undefined;
    if (persisted === s.cursor) return;
    const seq = s.cursor;
    await store.set(COLLECTION, config.name, { seq }).then(
      () => {
        persisted = seq;
      },
      (err: Error) => logger.warn({ err, sink: config.name }, 'sink cursor not saved; will retry'),
    );
  };
  const advance = (seq: number) => {
    s.cursor = seq;
    if (persistTimer) return;
    persistTimer = setTimeout(() => void persist(), persistEvery);
    persistTimer.unref(); // close() writes the last cursor
  };

  /** Sleeps `ms`, or until close(); the abort listener goes with the sleep (one per retry otherwise, for the whole outage). */
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        stop.signal.removeEventListener('abort', done);
        resolve();
      };
      const t = setTimeout(done, ms);
      stop.signal.addEventListener('abort', done, { once: true });
    });

  async function deliverChunk(chunk: readonly BusEvent[]): Promise<void> {
    let delay = minMs;
    for (;;) {
      if (stop.signal.aborted) return;
      s.state = 'delivering';
      try {
        await transport.deliver(chunk, stop.signal);
        s.delivered += chunk.length;
        s.lastDeliveredAt = new Date().toISOString();
        delete s.nextRetryAt;
        advance(chunk.at(-1)!.seq);
        return;
      } catch (err) {
        if (stop.signal.aborted) return;
        s.lastError = (err as Error).message;
        if (err instanceof SinkRejected) {
          s.rejected += chunk.length;
          logger.warn(
            { sink: config.name, from: chunk[0]!.seq, to: chunk.at(-1)!.seq, reason: s.lastError },
            'sink refused a batch; it is dropped',
          );
          advance(chunk.at(-1)!.seq);
          return;
        }
        s.failures++;
        s.state = 'retrying';
        s.nextRetryAt = new Date(Date.now() + delay).toISOString();
        logger.warn({ sink: config.name, reason: s.lastError, retryInMs: delay }, 'sink delivery failed');
        await wait(delay);
        delay = Math.min(delay * 2, maxMs);
      }
    }
  }

  async function handle(batch: BusEvent[]): Promise<void> {
    const fresh = batch.filter((e) => e.seq > s.cursor);
    const run = (async () => {
      for (let i = 0; i < fresh.length && !stop.signal.aborted; i += transport.batchMax) {
        await deliverChunk(fresh.slice(i, i + transport.batchMax));
      }
      if (!stop.signal.aborted) s.state = 'idle';
    })();
    inflight = run;
    await run;
    inflight = undefined;
    if (resubscribeFrom !== undefined) subscribe();
  }

  function subscribe(): void {
    const since = resubscribeFrom ?? (stored ? s.cursor : undefined);
    resubscribeFrom = undefined;
    if (stop.signal.aborted) return;
    sub = bus.subscribe(s.topics, handle, {
      ...(since !== undefined ? { since } : {}),
      maxQueue: config.queueMax,
      onResync: (info) => {
        if (stop.signal.aborted) return;
        if (info.reason === 'too-old') {
          s.gaps.push({ after: s.cursor, resumedAt: info.lastSeq });
          logger.error(
            { sink: config.name, after: s.cursor, resumedAt: info.lastSeq },
            'sink fell behind the replay window: events after the cursor are gone; resuming with new events',
          );
          advance(info.lastSeq);
        }
        // overflow: the bus cut a slow sink off; resume from the cursor once the batch in hand is done
        resubscribeFrom = s.cursor;
        if (!inflight) queueMicrotask(subscribe);
      },
    });
  }
  if (!stored) advance(s.cursor); // a restart before the first event resumes from here
  subscribe();

  return {
    status: () => structuredClone(s),
    async close() {
      if (stop.signal.aborted) return;
      stop.abort();
      sub?.unsubscribe();
      await inflight?.catch(() => {});
      if (persistTimer) clearTimeout(persistTimer);
      await persist();
      await transport.close();
      s.state = 'stopped';
    },
  };
}
