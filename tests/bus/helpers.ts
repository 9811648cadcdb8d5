import type { EventBusOptions } from '../../kernel/bus/index.js';
import type { Logger } from '../../kernel/log/index.js';
import { createLogger } from '../../kernel/log/index.js';

/** Lets the bus's setImmediate drain (and any microtasks) run `n` times. */
export async function turns(n = 3): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
}

/** Waits (by event-loop turns, not by clock) until `cond` holds; throws after `maxTurns`. */
export async function until(cond: () => boolean, maxTurns = 10_000): Promise<void> {
  for (let i = 0; i < maxTurns; i++) {
    if (cond()) return;
    await new Promise<void>((r) => setImmediate(r));
  }
  throw new Error('condition not reached');
}

/** A real pino logger whose lines are kept in memory. */
export function memoryLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({ level: 'trace', destination: { write: (s: string) => lines.push(s) } });
  return { logger, lines };
}

/** A test bus's options: a 100-event, 60 s replay window, queues of 50, a silent logger; `extra` overrides. */
export function busOptions(extra: Partial<EventBusOptions> = {}): EventBusOptions {
  return {
    replayMaxEvents: 100,
    replayMaxAgeMs: 60_000,
    subscriberQueueMax: 50,
    logger: createLogger({ level: 'silent' }),
    ...extra,
  };
}
