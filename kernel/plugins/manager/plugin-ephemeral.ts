import type { EphemeralPageResult } from '@omega/protocol';
import { omegaError } from '../../errors/index.js';
import type { SandboxEphemeral } from '../../sandbox/index.js';
import type { EphemeralStore, Storage } from '../../storage/index.js';

/** Bounds on one plugin's ephemeral stores together. */
export interface EphemeralLimits {
  /** Most bytes (serialised JSON of keys and values) across the plugin's stores. */
  maxBytes: number;
  /** Most entries across the plugin's stores. */
  maxEntries: number;
  /** Most stores. */
  maxStores: number;
  /**
   * Most bytes of entries in one list page (their keys' and values' JSON, UTF-8): a page ends
   * before the entry that would pass it, with a cursor, so it may hold fewer than `limit`.
   * Never empty: the first entry goes in whatever its size. Absent: no byte bound.
   */
  pageBytes?: number;
}

/** Defaults: 32 MiB, 200,000 entries, 16 stores per plugin. */
export const DEFAULT_EPHEMERAL_LIMITS: EphemeralLimits = {
  maxBytes: 32 * 1024 * 1024,
  maxEntries: 200_000,
  maxStores: 16,
};

/** Bytes one entry adds to its stores' total: the UTF-8 size of its key's and value's JSON. */
const entryBytes = (key: string, value: unknown): number =>
  Buffer.byteLength(JSON.stringify(key)) + Buffer.byteLength(JSON.stringify(value ?? null));

const page = (
  all: [string, unknown][],
  sizes: ReadonlyMap<string, number>,
  opts: { prefix?: string; limit?: number; cursor?: string },
  pageBytes = Number.POSITIVE_INFINITY,
): EphemeralPageResult => {
  const { prefix = '', limit = 1000, cursor } = opts;
  const keys = all.filter(([k]) => k.startsWith(prefix) && (cursor === undefined || k > cursor));
  keys.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let end = Math.min(limit, keys.length);
  // `["key",value],` per entry: its size and 4 bytes of punctuation; the first always goes in.
  let bytes = 0;
  for (let i = 0; i < end; i++) {
    bytes += (sizes.get(keys[i]![0]) ?? 0) + 4;
    if (i > 0 && bytes > pageBytes) end = i;
  }
  const entries = keys.slice(0, end);
  const last = entries.at(-1);
  return keys.length > end && last ? { entries, nextCursor: last[0] } : { entries };
};

/**
 * One plugin's ephemeral stores (`<ns>.<store>` in the kernel's storage): values in memory,
 * written to disk in batches by the kernel, bounded in bytes and entries across the plugin's
 * stores (a write that would pass a bound is refused with OMEGA_ERR_PLUGIN_LIMIT before it
 * applies; deletes always pass).
 */
export function pluginEphemeral(
  storage: Storage,
  ns: string,
  limits = DEFAULT_EPHEMERAL_LIMITS,
): SandboxEphemeral {
  const stores = new Map<string, { store: EphemeralStore; sizes: Map<string, number> }>();
  let bytes = 0;
  let entries = 0;

  const open = (name: string) => {
    let s = stores.get(name);
    if (!s) {
      if (stores.size >= limits.maxStores)
        throw omegaError('OMEGA_ERR_PLUGIN_LIMIT', `More than ${limits.maxStores} ephemeral stores.`, { ns });
      const store = storage.ephemeral(ns, name);
      const sizes = new Map<string, number>();
      for (const [k, v] of store.entries()) {
        const size = entryBytes(k, v);
        sizes.set(k, size);
        bytes += size;
        entries++;
      }
      s = { store, sizes };
      stores.set(name, s);
    }
    return s;
  };

  const setAll = (name: string, pairs: readonly [string, unknown][]): void => {
    const s = open(name);
    let growBytes = 0;
    let growEntries = 0;
    const sized = pairs.map(([k, v]) => {
      const size = entryBytes(k, v);
      const old = s.sizes.get(k);
      growBytes += size - (old ?? 0);
      if (old === undefined) growEntries++;
      return [k, v, size] as const;
    });
    if (bytes + growBytes > limits.maxBytes || entries + growEntries > limits.maxEntries) {
      throw omegaError(
        'OMEGA_ERR_PLUGIN_LIMIT',
        `Ephemeral stores of "${ns}" would hold more than ${limits.maxBytes} bytes or ${limits.maxEntries} entries.`,
        { ns, bytes, entries, maxBytes: limits.maxBytes, maxEntries: limits.maxEntries },
      );
    }
    for (const [k, v, size] of sized) {
      s.store.set(k, v ?? null);
      s.sizes.set(k, size);
    }
    bytes += growBytes;
    entries += growEntries;
  };

  return {
    get: async (name, key) => open(name).store.get(key) ?? null,
    set: async (name, key, value) => setAll(name, [[key, value]]),
    setMany: async (name, pairs) => setAll(name, pairs),
    delete: async (name, key) => {
      const s = open(name);
      const size = s.sizes.get(key);
      if (size === undefined) return false;
      s.store.delete(key);
      s.sizes.delete(key);
      bytes -= size;
      entries--;
      return true;
    },
    list: async (name, opts = {}) => {
      const s = open(name);
      return page(s.store.entries(), s.sizes, opts, limits.pageBytes);
    },
  };
}
