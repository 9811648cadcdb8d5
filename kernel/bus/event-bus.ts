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

/** Options of {@link EventBus.publish}. */
export interface PublishOptions {
  /** The event's JSON length when the publisher already knows it (else the bus measures it once). */
  bytes?: number;
}

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
  now?: () => number;
  /** Where handler failures and reservation problems are logged (a silent logger when omitted). */
  logger?: Logger;
}

/** The kernel's in-memory event bus. */
export interface EventBus {
  /** Validates the topic, assigns seq and time, retains the event for replay and fans it out. */
  publish<T>(topic: string, data: T, opts?: PublishOptions): BusEvent<T>;
  /** Subscribes to topics matching any of `patterns`. */
  subscribe(patterns: string[], handler: EventHandler, opts?: SubscribeOptions): Subscription;
  /** The last seq handed out (`startSeq` before the first publish). */
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
