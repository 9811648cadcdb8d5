import type { EventRecord } from '@omega/protocol';
import type { Logger } from '../log/index.js';

/** One published event. Frozen: every subscriber sees the same object, treat `data` as immutable. */
export type BusEvent<T = unknown> = EventRecord<T>;

/** Why a subscription was cut off; `lastSeq` is the bus's last sequence at that moment. */
export interface ResyncInfo {
  reason: 'too-old' | 'overflow';
  lastSeq: number;
}

/** Receives events in seq order, in batches; the next batch comes only after a returned promise settles. */
export type EventHandler = (batch: BusEvent[]) => void | Promise<void>;

/** Options of {@link EventBus.subscribe}. */
export interface SubscribeOptions {
  /** Replay retained events with `seq > since` first, then live ones: no gap, no duplicate. */
  since?: number;
  /** Live events that may wait for this subscriber; one more cuts it off (`overflow`). */
  maxQueue?: number;
  /** Called once when the bus cuts the subscription off; it is already closed then. */
  onResync?: (info: ResyncInfo) => void;
}

/** A live subscription; `unsubscribe` is its undo. */
export interface Subscription {
  readonly id: number;
  unsubscribe(): void;
  /** Events queued for this subscriber and not yet handed to its handler. */
  pending(): number;
}

/** Sequence reservation: the kernel persists `upTo` so a restart starts above any seq handed out. */
export interface SeqReserve {
  blockSize: number;
  reserve: (upTo: number) => Promise<void>;
}

/**
 * Where the bus keeps its replay window on disk (the kernel's event log). Every event is
 * appended in seq order as it is published; `durable` asks for it to be on disk before the
 * returned promise resolves, the others are written in batches.
 */
export interface EventPersistence {
  append(event: BusEvent, dataJson: string, durable: boolean): Promise<void> | undefined;
  /** Events below `seq` have left the replay window and need not be kept. */
  retainFrom(seq: number): void;
  /** The bus closed cleanly; `lastSeq` is the last seq it handed out. */
  stopped(lastSeq: number): void;
}

/** Options of {@link EventBus.publish}. */
export interface PublishOptions {
  /** The event's JSON length when the publisher already knows it (else the bus measures it once). */
  bytes?: number;
}

/** Topic roots whose events always reach the event log: no `memoryOnly` pattern may cover them. */
export const DURABLE_ROOTS: readonly string[] = ['audit', 'security', 'kernel', 'plugins'];

/** Default bound on the replay window's bytes (sum of the events' JSON lengths). */
export const DEFAULT_REPLAY_MAX_BYTES = 8 * 1024 * 1024;

/** Options of {@link createEventBus}. */
export interface EventBusOptions {
  replayMaxEvents: number;
  replayMaxAgeMs: number;
  /**
   * Bytes retained for replay (JSON length; default {@link DEFAULT_REPLAY_MAX_BYTES}). Parsed
   * events take several times their JSON length in memory, so count and age alone do not bound it.
   */
  replayMaxBytes?: number;
  subscriberQueueMax: number;
  /** The first seq is `startSeq + 1`. */
  startSeq?: number;
  seqReserve?: SeqReserve;
  /** Keeps the replay window on disk (see {@link EventPersistence}); absent: memory only. */
  persistence?: EventPersistence;
  /**
   * Topic patterns whose events are replayed from memory only: `publish` keeps them in the
   * replay window but never hands them to `persistence`, so a high-rate topic whose next event
   * replaces the last (`metrics.sample`) costs no disk write. Across a restart they are gone
   * (a resume from inside them is told to resync). `publishDurable` always persists, and
   * patterns under {@link DURABLE_ROOTS} (or starting with a wildcard) are refused with
   * OMEGA_ERR_CONFIG_INVALID: audit and security events always reach the log.
   */
  memoryOnly?: readonly string[];
  /**
   * Events read back from disk at start, oldest first, all with seq ≤ `startSeq`: they fill
   * the replay window (its bounds apply). When `startSeq` is above the last of them, the
   * seqs in between may have been handed out and lost (a crash): a resume from there is
   * told to resync.
   */
  history?: readonly BusEvent[];
  now?: () => number;
  /** Where handler failures and reservation problems are logged (a silent logger when omitted). */
  logger?: Logger;
}

/** The kernel's in-memory event bus. */
export interface EventBus {
  /** Validates the topic, assigns seq and time, retains the event for replay and fans it out. */
  publish<T>(topic: string, data: T, opts?: PublishOptions): BusEvent<T>;
  /**
   * Publishes an event and resolves once it is on disk (with persistence; at once without).
   * The event reaches subscribers and the replay window only after that, and events
   * published meanwhile wait behind it, so order holds. When the write fails, the promise
   * rejects (OMEGA_ERR_STORAGE_FULL/IO), no one ever sees the event, and its seq stays unused.
   */
  publishDurable<T>(topic: string, data: T): Promise<BusEvent<T>>;
  /** Subscribes to topics matching any of `patterns`. */
  subscribe(patterns: string[], handler: EventHandler, opts?: SubscribeOptions): Subscription;
  /** The last seq visible to subscribers (`startSeq` before the first publish). */
  readonly lastSeq: number;
  /** Live subscriptions. */
  readonly subscriberCount: number;
  /** Retained events with `seq > since` (matching `patterns` if given), or `'too-old'` when some are gone. */
  replay(since: number, patterns?: string[]): BusEvent[] | 'too-old';
  /** Resolves once every requested seq reservation has been attempted (call at start, before serving). */
  reserved(): Promise<void>;
  /** Drops every subscription and queue; later publish/subscribe throw OMEGA_ERR_UNAVAILABLE. */
  close(): void;
}
