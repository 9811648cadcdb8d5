import type { EphemeralPageResult } from '@omega/protocol';
import { omegaError } from '../../errors/index.js';
import type { SandboxEphemeral } from '../../sandbox/index.js';
import { fitCount } from '../../storage/fit-count.js';
import type { EphemeralStore, Storage } from '../../storage/index.js';

/** Bounds on one plugin's ephemeral stores together. */
export interface EphemeralLimits {
  /**
   * Most characters (UTF-16 code units of the keys and of the values' JSON) across the plugin's
   * stores: a write already makes its value's JSON, so counting them costs nothing more.
   */
  maxBytes: number;
  /** Most entries across the plugin's stores. */
  maxEntries: number;
  /** Most stores. */
  maxStores: number;
  /**
   * Most characters of JSON in one list page (UTF-16 code units, what the isolate parses at
   * once): a page ends before the entry that would pass it, with a cursor, so it may hold fewer
   * than `limit`. Never empty: the first entry goes in whatever its size. Absent: no bound.
   */
  pageChars?: number;
}

/** Defaults: 32 Mi characters, 200,000 entries, 16 stores per plugin. */
export const DEFAULT_EPHEMERAL_LIMITS: EphemeralLimits = {
  maxBytes: 32 * 1024 * 1024,
  maxEntries: 200_000,
  maxStores: 16,
};

/**
 * Characters one entry adds to its stores' total: its key and its value's JSON (UTF-16 code
 * units, what the isolate holds; counted where every write already makes the value's JSON).
 */
const entryChars = (key: string, value: unknown): number => key.length + JSON.stringify(value ?? null).length;

const page = (
  all: [string, unknown][],
  sizes: ReadonlyMap<string, number>,
  opts: { prefix?: string; limit?: number; cursor?: string },
  pageChars = Number.POSITIVE_INFINITY,
): EphemeralPageResult => {
  const { prefix = '', limit = 1000, cursor } = opts;
  const keys = all.filter(([k]) => k.startsWith(prefix) && (cursor === undefined || k > cursor));
  keys.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // `["key",value],` per entry: the value's JSON, the key's (escaped) and 4 characters of punctuation.
  const charsOf = (i: number): number => {
    const key = keys[i]![0];
    return (sizes.get(key) ?? 0) - key.length + JSON.stringify(key).length + 4;
  };
  const end = fitCount(Math.min(limit, keys.length), charsOf, pageChars);
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
        const size = entryChars(k, v);
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
      const size = entryChars(k, v);
      const old = s.sizes.get(k);
      growBytes += size - (old ?? 0);
      if (old === undefined) growEntries++;
      return [k, v, size] as const;
    });
    if (bytes + growBytes > limits.maxBytes || entries + growEntries > limits.maxEntries) {
      throw omegaError(
        'OMEGA_ERR_PLUGIN_LIMIT',
        `Ephemeral stores of "${ns}" would hold more than ${limits.maxBytes} characters (keys and values' JSON) or ${limits.maxEntries} entries; delete entries, or store less.`,
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
      return page(s.store.entries(), s.sizes, opts, limits.pageChars);
    },
  };
}
