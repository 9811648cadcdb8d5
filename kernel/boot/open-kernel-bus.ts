import { createEventBus, type EventBus } from '../bus/index.js';
import type { KernelConfig } from '../config/index.js';
import type { Logger } from '../log/index.js';
import type { Storage } from '../storage/index.js';

/** How many sequence numbers one durable reservation covers. */
export const SEQ_BLOCK = 100_000;

/**
 * The kernel's event bus. Sequence numbers are reserved durably in blocks (in the kernel's
 * own storage namespace), so a restart starts above any seq ever handed out.
 */
export async function openKernelBus(
  config: KernelConfig,
  storage: Storage,
  logger: Logger,
): Promise<EventBus> {
  const meta = storage.namespace('kernel');
  const saved = await meta.get<{ reserved: number }>('meta', 'bus-seq');
  const bus = createEventBus({
    ...config.bus,
    startSeq: saved?.value.reserved ?? 0,
    seqReserve: {
      blockSize: SEQ_BLOCK,
      reserve: async (upTo) => {
        await meta.set('meta', 'bus-seq', { reserved: upTo });
      },
    },
    logger: logger.child({ component: 'bus' }),
  });
  await bus.reserved();
  return bus;
}
