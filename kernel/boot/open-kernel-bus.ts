import { type BusEvent, createEventBus, type EventBus, type EventPersistence } from '../bus/index.js';
import type { KernelConfig } from '../config/index.js';
import { MEMORY_REPLAY_TOPICS } from '../events/index.js';
import type { Logger } from '../log/index.js';
import type { EventLog, Storage } from '../storage/index.js';

/** How many sequence numbers one durable reservation covers. */
export const SEQ_BLOCK = 100_000;

/** Batched (not durable-before-ack) events reach the disk at most this long after they are published. */
export const EVENT_FLUSH_MS = 1000;

/** The bus's persistence over the storage's event log: one `{"seq","topic","time","data"}` line per event. */
export function logPersistence(log: EventLog): EventPersistence {
  return {
    append: (event, dataJson, durable) =>
      log.append(
        event.seq,
        `{"seq":${event.seq},"topic":${JSON.stringify(event.topic)},"time":${event.time},"data":${dataJson}}`,
        durable,
      ),
    retainFrom: (seq) => log.retainFrom(seq),
    stopped: (lastSeq) => log.stoppedAt(lastSeq),
  };
}

/**
 * The kernel's event bus, with its replay window kept on disk in the storage's event log.
 *
 * - Sequence numbers are reserved durably in blocks (in the kernel's own storage namespace),
 *   so a restart after a crash starts above any seq ever handed out; after a clean stop it
 *   continues right after the last one (the log's clean-stop marker says which).
 * - The events the log still holds fill the replay window at start, so a client resuming
 *   with `since` gets exactly what it missed across a restart.
 * - `publishDurable` (operator events, POST /api/v1/events) is on disk before it is
 *   acknowledged; every other event is written in batches, at most {@link EVENT_FLUSH_MS}
 *   after it was published (a kill -9 can lose those of the last interval).
 * - The topics of {@link MEMORY_REPLAY_TOPICS} (`metrics.sample`) are replayed from memory
 *   only and never written to the log.
 */
export async function openKernelBus(
  config: KernelConfig,
  storage: Storage,
  logger: Logger,
): Promise<EventBus> {
  const meta = storage.namespace('kernel');
  const saved = await meta.get<{ reserved: number }>('meta', 'bus-seq');
  const { log, recovered } = await storage.openEventLog({ flushIntervalMs: EVENT_FLUSH_MS });
  const history: BusEvent[] = recovered.events.map((e) => ({
    seq: e.seq,
    topic: e.topic,
    time: e.time,
    data: e.data,
  }));
  const lastLogged = history.at(-1)?.seq ?? 0;
  const ceiling = Math.max(saved?.value.reserved ?? 0, lastLogged);
  const startSeq = recovered.cleanStop !== null ? Math.max(recovered.cleanStop, lastLogged) : ceiling;
  if (recovered.cleanStop !== null) {
    // From now on the clean-stop marker is stale: a crash before the next clean stop must not trust it.
    await log.mark(`{"opened":${JSON.stringify(new Date().toISOString())}}`);
  }
  const bus = createEventBus({
    ...config.bus,
    startSeq,
    history,
    persistence: logPersistence(log),
    memoryOnly: MEMORY_REPLAY_TOPICS,
    seqReserve: {
      blockSize: SEQ_BLOCK,
      reserve: async (upTo) => {
        await meta.set('meta', 'bus-seq', { reserved: upTo });
      },
    },
    logger: logger.child({ component: 'bus' }),
  });
  await bus.reserved();
  logger.debug(
    { startSeq, restored: history.length, cleanStop: recovered.cleanStop !== null },
    'event bus open with its replay window from disk',
  );
  return bus;
}
