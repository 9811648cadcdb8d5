/**
 * Topics the kernel's bus replays from memory only (EventBusOptions.memoryOnly): high-rate
 * events whose next one replaces the last, with their history kept elsewhere. `metrics.sample`
 * comes every second per node (≈ 8 KB); writing it to the durable event log each second cost
 * the kernel a serialisation and a disk write, while the metrics plugin keeps the history in its
 * own store (GET /api/v1/metrics/query). A WebSocket client resuming within the running kernel's
 * replay window still gets the samples it missed; across a restart they are gone.
 *
 * Each entry is declared `replay: 'memory'` in its catalogue (EventTopicSpec), and
 * tests/events/memory-replay.unit.test.ts holds the two lists equal. Audit, security, kernel
 * and plugin-lifecycle topics cannot be listed (the bus refuses them).
 */
export const MEMORY_REPLAY_TOPICS: readonly string[] = ['metrics.sample'];
