import { splitTopic } from '@omega/protocol';
import { omegaError } from '../errors/index.js';
import { createLogger } from '../log/index.js';
import { type CompiledPattern, compilePattern } from './compile-pattern.js';
import {
  type BusEvent,
  DEFAULT_REPLAY_MAX_BYTES,
  DURABLE_ROOTS,
  type EventBus,
  type EventBusOptions,
  type EventHandler,
  type EventPersistence,
  type PublishOptions,
  type SubscribeOptions,
  type Subscription,
} from './event-bus.js';
import { rememberDataJson } from './event-data-json.js';
import { ReplayWindow } from './replay-window.js';
import { SeqAllocator } from './seq-allocator.js';
import { Subscriber } from './subscriber.js';
import { SubscriptionIndex } from './subscription-index.js';

/** An event published behind a durable one still being written; `failed`: never shown. */
interface Held {
  readonly event: BusEvent;
  readonly bytes: number;
  state: 'waiting' | 'ready' | 'failed';
}

/** Split topics kept for reuse; cleared when it grows past this (topics are few in practice). */
const TOPIC_CACHE_MAX = 4096;

/**
 * Creates the event bus: in memory, and with `persistence` its replay window is kept on disk
 * as well (see {@link EventPersistence}; `history` refills it at start). `publish` is
 * synchronous; delivery is not: each
 * subscriber has a bounded queue drained in batches on a later turn (one `setImmediate`
 * for all subscribers), one handler call at a time. A subscriber whose queue would exceed
 * its bound is cut off (`onResync('overflow')`), so memory stays bounded. A handler that
 * throws or rejects is logged; the events of that batch count as delivered (no retry).
 */
export function createEventBus(opts: EventBusOptions): EventBus {
  positiveInt('replayMaxEvents', opts.replayMaxEvents);
  positiveInt('replayMaxAgeMs', opts.replayMaxAgeMs);
  const replayMaxBytes = opts.replayMaxBytes ?? DEFAULT_REPLAY_MAX_BYTES;
  positiveInt('replayMaxBytes', replayMaxBytes);
  positiveInt('subscriberQueueMax', opts.subscriberQueueMax);
  const startSeq = opts.startSeq ?? 0;
  if (!Number.isSafeInteger(startSeq) || startSeq < 0) configError('startSeq', startSeq);
  if (opts.seqReserve) positiveInt('seqReserve.blockSize', opts.seqReserve.blockSize);

  const now = opts.now ?? Date.now;
  const logger = opts.logger ?? createLogger({ level: 'warn' });
  const persistence = opts.persistence;
  const memoryOnly = compileMemoryOnly(opts.memoryOnly ?? []);
  /** Per topic: replayed from memory only? (cleared with the topic cache) */
  const memoryOnlyTopic = new Map<string, boolean>();
  const seqs = new SeqAllocator(startSeq, opts.seqReserve, logger);
  const window = new ReplayWindow(opts.replayMaxEvents, opts.replayMaxAgeMs, replayMaxBytes);
  /** Seqs a crash may have handed out and lost: a resume from inside them must resync. */
  let lost: { from: number; to: number } | null = null;
  for (const e of opts.history ?? []) {
    if (!(e.seq <= startSeq && e.seq > (window.newestSeq ?? 0))) configError('history', e.seq);
    window.push(Object.isFrozen(e) ? e : Object.freeze({ ...e }), e.topic.length + jsonLength(e.data));
  }
  const restoredLast = window.newestSeq;
  if (restoredLast !== undefined && restoredLast < startSeq) lost = { from: restoredLast, to: startSeq };
  /** The last seq subscribers can see; below seqs.last while events wait behind a durable one. */
  let visibleLast = startSeq;
  /** Events published while a durable one before them is being written, in seq order. */
  const held: Held[] = [];
  let reportedOldest = 0;
  const index = new SubscriptionIndex();
  const topics = new Map<string, readonly string[]>();
  let ready: Subscriber[] = [];
  let immediate: NodeJS.Immediate | null = null;
  let nextId = 1;
  let closed = false;

  const assertOpen = (): void => {
    if (closed) throw omegaError('OMEGA_ERR_UNAVAILABLE', 'The event bus is closed.');
  };

  const segmentsOf = (topic: string): readonly string[] => {
    let segments = topics.get(topic);
    if (segments === undefined) {
      segments = splitTopic(topic);
      if (topics.size >= TOPIC_CACHE_MAX) {
        topics.clear();
        memoryOnlyTopic.clear();
      }
      topics.set(topic, segments);
    }
    return segments;
  };

  const markReady = (sub: Subscriber): void => {
    if (sub.scheduled || sub.busy || sub.closed) return;
    sub.scheduled = true;
    ready.push(sub);
    immediate ??= setImmediate(flush);
  };

  const settle = (sub: Subscriber): void => {
    sub.busy = false;
    if (sub.pending() > 0) markReady(sub);
  };

  const handlerFailed = (sub: Subscriber, err: unknown): void => {
    logger.warn({ err, subscription: sub.id }, 'event handler failed; its batch is dropped for it');
  };

  const deliver = (sub: Subscriber): void => {
    if (sub.closed) return;
    const batch = sub.takeBatch();
    if (batch === null) return;
    let result: unknown;
    try {
      result = sub.handler(batch);
    } catch (err) {
      handlerFailed(sub, err);
    }
    if (typeof (result as PromiseLike<void> | undefined)?.then === 'function') {
      sub.busy = true;
      Promise.resolve(result).then(
        () => settle(sub),
        (err: unknown) => {
          handlerFailed(sub, err);
          settle(sub);
        },
      );
    } else if (sub.pending() > 0) {
      markReady(sub);
    }
  };

  function flush(): void {
    immediate = null;
    const list = ready;
    ready = [];
    for (const sub of list) {
      sub.scheduled = false;
      deliver(sub);
    }
  }

  const cutOff = (sub: Subscriber, reason: 'too-old' | 'overflow'): void => {
    index.remove(sub);
    sub.close();
    const onResync = sub.onResync;
    if (!onResync) return;
    const info = { reason, lastSeq: visibleLast };
    queueMicrotask(() => {
      try {
        onResync(info);
      } catch (err) {
        logger.warn({ err, subscription: sub.id }, 'onResync handler failed');
      }
    });
  };

  const compileAll = (patterns: string[]): CompiledPattern[] => {
    if (!Array.isArray(patterns) || patterns.length === 0) {
      throw omegaError('OMEGA_ERR_TOPIC_INVALID', 'Subscribe to at least one topic pattern.', { patterns });
    }
    return [...new Set(patterns)].map(compilePattern);
  };

  /** Tells the persistence which events left the window (their segments may go). */
  const reportEviction = (): void => {
    const oldest = window.oldestSeq ?? visibleLast + 1;
    if (oldest === reportedOldest) return;
    reportedOldest = oldest;
    persistence?.retainFrom(oldest);
  };

  const retained = (since: number): BusEvent[] | 'too-old' => {
    if (!Number.isSafeInteger(since) || since < 0) {
      throw omegaError('OMEGA_ERR_VALIDATION', 'since must be a non-negative integer sequence number.', {
        errors: [{ field: 'since', message: 'not a non-negative integer' }],
      });
    }
    window.evict(now());
    reportEviction();
    const last = visibleLast;
    if (since === last) return [];
    if (lost && since > lost.from && since < lost.to) return 'too-old';
    const oldest = window.oldestSeq;
    if (since > last || oldest === undefined || since < oldest - 1) return 'too-old';
    return window.after(since);
  };

  /** Retains the event for replay and fans it out: it is now visible. */
  const show = (event: BusEvent, bytes: number): void => {
    visibleLast = event.seq;
    window.push(event, bytes);
    window.evict(event.time);
    reportEviction();
    const segments = segmentsOf(event.topic);
    index.forEachMatch(event.topic, segments, (sub) => {
      if (sub.lastEnqueued >= event.seq) return;
      if (sub.enqueue(event)) markReady(sub);
      else cutOff(sub, 'overflow');
    });
  };

  /** Shows the held events up to the first durable one still being written. */
  const release = (): void => {
    while (held.length > 0 && held[0]!.state !== 'waiting') {
      const h = held.shift()!;
      if (h.state === 'ready' && !closed) show(h.event, h.bytes);
    }
  };

  /** Whether `topic`'s events skip the event log (see EventBusOptions.memoryOnly). */
  const isMemoryOnly = (topic: string, segments: readonly string[]): boolean => {
    let only = memoryOnlyTopic.get(topic);
    if (only === undefined) {
      only = matchesAny(memoryOnly, segments);
      memoryOnlyTopic.set(topic, only);
    }
    return only;
  };

  /** Validates, numbers and persists an event; `persisted` is set for a durable write. */
  const emit = <T>(topic: string, data: T, durable: boolean, knownBytes?: number) => {
    assertOpen();
    const segments = segmentsOf(topic);
    // Memory-only topics skip the log (and so the serialisation it needs, when the size is known).
    const log = persistence && (durable || !isMemoryOnly(topic, segments)) ? persistence : undefined;
    // Kept as the WebSocket frame shows it: undefined is null. Serialised once, when the log
    // needs it or the size is not known: the WebSocket frame and the plugins' event calls reuse
    // this text (eventDataJson) instead of serialising the data again.
    const dataJson = log || knownBytes === undefined ? jsonOf(data === undefined ? null : data) : undefined;
    if (durable && persistence && dataJson === undefined) {
      throw omegaError('OMEGA_ERR_VALIDATION', 'Event data must be JSON data.', {
        errors: [{ field: 'data', message: 'not JSON data' }],
      });
    }
    const bytes = topic.length + (knownBytes ?? dataJson?.length ?? 0);
    const event: BusEvent<T> = Object.freeze({ seq: seqs.next(), topic, time: now(), data });
    if (dataJson !== undefined) rememberDataJson(event, dataJson);
    let persisted: Promise<void> | undefined;
    if (log && dataJson !== undefined) persisted = log.append(event, dataJson, durable);
    else if (log) logger.warn({ topic, seq: event.seq }, 'event data is not JSON data; not kept on disk');
    return { event, bytes, persisted };
  };

  const bus: EventBus = {
    publish<T>(topic: string, data: T, po?: PublishOptions): BusEvent<T> {
      const { event, bytes } = emit(topic, data, false, po?.bytes);
      if (held.length > 0) held.push({ event, bytes, state: 'ready' });
      else show(event, bytes);
      return event;
    },

    async publishDurable<T>(topic: string, data: T): Promise<BusEvent<T>> {
      const { event, bytes, persisted } = emit(topic, data, true);
      const entry: Held = { event, bytes, state: persisted ? 'waiting' : 'ready' };
      held.push(entry);
      try {
        await persisted;
        entry.state = 'ready';
        return event;
      } catch (err) {
        entry.state = 'failed';
        throw err;
      } finally {
        release();
      }
    },

    subscribe(patterns: string[], handler: EventHandler, so: SubscribeOptions = {}): Subscription {
      assertOpen();
      const compiled = compileAll(patterns);
      const maxQueue = so.maxQueue ?? opts.subscriberQueueMax;
      positiveInt('maxQueue', maxQueue);
      let backlog: BusEvent[] | 'too-old' = [];
      if (so.since !== undefined) {
        backlog = retained(so.since);
        if (backlog !== 'too-old') backlog = backlog.filter((e) => matchesAny(compiled, segmentsOf(e.topic)));
      }
      const sub = new Subscriber(
        nextId++,
        compiled,
        handler,
        maxQueue,
        so.onResync,
        backlog === 'too-old' ? [] : backlog,
        visibleLast,
      );
      if (backlog === 'too-old') {
        cutOff(sub, 'too-old');
      } else {
        index.add(sub);
        if (sub.pending() > 0) markReady(sub);
      }
      return {
        id: sub.id,
        unsubscribe: () => {
          index.remove(sub);
          sub.close();
        },
        pending: () => sub.pending(),
      };
    },

    get lastSeq(): number {
      return visibleLast;
    },

    get subscriberCount(): number {
      return index.size;
    },

    replay(since: number, patterns?: string[]): BusEvent[] | 'too-old' {
      const events = retained(since);
      if (events === 'too-old' || patterns === undefined) return events;
      const compiled = compileAll(patterns);
      return events.filter((e) => matchesAny(compiled, segmentsOf(e.topic)));
    },

    reserved: () => seqs.settled(),

    close(): void {
      if (closed) return;
      closed = true;
      persistence?.stopped(seqs.last);
      for (const sub of index.all()) {
        index.remove(sub);
        sub.close();
      }
      if (immediate) clearImmediate(immediate);
      immediate = null;
      ready = [];
      window.clear();
      held.length = 0;
      topics.clear();
      memoryOnlyTopic.clear();
      seqs.close();
    },
  };
  return bus;
}

/** `data` as JSON, or undefined when it does not serialize. */
function jsonOf(data: unknown): string | undefined {
  try {
    return JSON.stringify(data);
  } catch {
    return undefined;
  }
}

/** The JSON length of `data`, measured once at publish (0 when it does not serialize). */
function jsonLength(data: unknown): number {
  return jsonOf(data)?.length ?? 0;
}

/** Compiles the memory-only patterns, refusing any that could cover a durable root. */
function compileMemoryOnly(patterns: readonly string[]): CompiledPattern[] {
  return patterns.map((pattern) => {
    const root = pattern.split('.', 1)[0] ?? '';
    if (root === '*' || root === '**' || DURABLE_ROOTS.includes(root)) {
      throw omegaError(
        'OMEGA_ERR_CONFIG_INVALID',
        `Event bus option memoryOnly may not cover ${root}.* topics: they always reach the event log. Name a topic of your own (e.g. metrics.sample).`,
        { field: 'memoryOnly', value: pattern },
      );
    }
    return compilePattern(pattern);
  });
}

function matchesAny(patterns: readonly CompiledPattern[], segments: readonly string[]): boolean {
  return patterns.some((p) => p.matches(segments));
}

function positiveInt(field: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) configError(field, value);
}

function configError(field: string, value: unknown): never {
  throw omegaError('OMEGA_ERR_CONFIG_INVALID', `Event bus option ${field} must be a positive integer.`, {
    field,
    value,
  });
}
