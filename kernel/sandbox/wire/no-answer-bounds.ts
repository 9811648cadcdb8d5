/**
 * Bytes a plugin host may hold unsent (its writer's queue plus the socket's) before it refuses a
 * host call without an answer (ctx.events.emit in a loop): nothing waits on those calls, so only
 * this bounds them on the host's side. A call with an answer is bounded by the plugin awaiting it.
 */
export const NO_ANSWER_UNSENT_BYTES = 1024 * 1024;

/**
 * Bytes of calls without an answer the kernel holds in flight for one host before it refuses more:
 * what the host let through ({@link NO_ANSWER_UNSENT_BYTES}, plus the one call that may pass it,
 * up to 3 MiB of UTF-8) is always accepted. Not maxPendingHostCalls: a chunk of small emits would
 * overrun a count.
 */
export const NO_ANSWER_IN_FLIGHT_BYTES = 4 * NO_ANSWER_UNSENT_BYTES;
