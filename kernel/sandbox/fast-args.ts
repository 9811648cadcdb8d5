import type { HostCallName } from '@omega/protocol';

/** A hand-written check of one host call's parsed JSON: its validated arguments, or `undefined`. */
export type FastArgs = (raw: unknown) => unknown;

/**
 * Hand-written argument checks for the host calls a steady workload makes every second, tried
 * before the call's zod schema. Each accepts only what the schema accepts and returns what it
 * would return (tests/sandbox/fast-args.test.ts holds them to that); `undefined` hands the input
 * to the schema, which then accepts it or words the error as always. events.publish is the
 * metrics collector's per-second emit, whose zod parse cost ~40 µs per collection
 * (bench/metrics-steps.ts, step `zod`).
 */
export const FAST_ARGS: Partial<Record<HostCallName, FastArgs>> = {
  // z.object({ topic: z.string().min(1).max(256), data: z.unknown() }): `data` must be present
  // (zod 4 rejects a missing key); max counts code points, never more than `length`.
  'events.publish': (raw) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || !('data' in raw)) return undefined;
    const { topic, data } = raw as { topic?: unknown; data: unknown };
    if (typeof topic !== 'string' || topic.length < 1 || topic.length > 256) return undefined;
    return { topic, data };
  },
};
