import type { BusEvent } from '../bus/index.js';

/** Delivers events to one destination; a sink runner calls it with batches in seq order. */
export interface SinkTransport {
  /** Most events per {@link SinkTransport.deliver} call. */
  readonly batchMax: number;
  /**
   * Delivers the events, in order. Throws {@link SinkRejected} when the destination refused
   * them in a way a retry cannot change (the batch is dropped and counted), anything else to
   * have the same batch retried with backoff. `signal` aborts a delivery when the sink stops.
   */
  deliver(events: readonly BusEvent[], signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** The destination refused a batch for good (e.g. a webhook answering 400): retrying would not help. */
export class SinkRejected extends Error {
  override readonly name = 'SinkRejected';
}
