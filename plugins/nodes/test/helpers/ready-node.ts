import type { LiveState, NodeEntry } from '../../src/registry/node-record.js';

/** A registry entry for node `i`, ready since `at` with its last frame at `at`, for the liveness tests. */
export function readyNode(i: number, at: number, live: Omit<LiveState, 'at'> = {}): NodeEntry {
  return {
    record: {
      id: `nd-${i}`,
      name: `h${i}`,
      publicKey: `k${i}`,
      fingerprint: `f${i}`,
      labels: {},
      specVersion: 1,
      state: 'ready',
      reason: 'joined',
      since: new Date(at).toISOString(),
      history: [],
      capacity: { cores: 1, threads: 1, memoryBytes: 0, gpus: [], numa: [] },
      joinedAt: '',
      updatedAt: '',
    },
    version: 1,
    live: { at, ...live },
  };
}
