import type { CompiledPattern } from './compile-pattern.js';
import type { Subscriber } from './subscriber.js';

interface Entry {
  readonly sub: Subscriber;
  readonly pattern: CompiledPattern;
}

/**
 * Finds the subscribers of a topic without testing every subscription: exact patterns are
 * looked up by topic, wildcard patterns by their literal first segment; only patterns that
 * start with a wildcard are tested against every topic.
 */
export class SubscriptionIndex {
  readonly #exact = new Map<string, Set<Subscriber>>();
  readonly #byFirst = new Map<string, Set<Entry>>();
  readonly #rootWild = new Set<Entry>();
  readonly #entries = new Map<Subscriber, Entry[]>();

  get size(): number {
    return this.#entries.size;
  }

  add(sub: Subscriber): void {
    const entries: Entry[] = [];
    for (const pattern of sub.patterns) {
      const entry = { sub, pattern };
      entries.push(entry);
      if (pattern.exact) bucket(this.#exact, pattern.source).add(sub);
      else if (pattern.first !== null) bucket(this.#byFirst, pattern.first).add(entry);
      else this.#rootWild.add(entry);
    }
    this.#entries.set(sub, entries);
  }

  remove(sub: Subscriber): void {
    const entries = this.#entries.get(sub);
    if (!entries) return;
    this.#entries.delete(sub);
    for (const entry of entries) {
      const p = entry.pattern;
      if (p.exact) unbucket(this.#exact, p.source, sub);
      else if (p.first !== null) unbucket(this.#byFirst, p.first, entry);
      else this.#rootWild.delete(entry);
    }
  }

  /** Calls `visit` for every subscriber with a pattern matching the topic (possibly more than once). */
  forEachMatch(topic: string, segments: readonly string[], visit: (sub: Subscriber) => void): void {
    const exact = this.#exact.get(topic);
    if (exact) for (const sub of exact) visit(sub);
    const first = this.#byFirst.get(segments[0]!);
    if (first) for (const e of first) if (e.pattern.matches(segments)) visit(e.sub);
    for (const e of this.#rootWild) if (e.pattern.matches(segments)) visit(e.sub);
  }

  /** Every subscriber, for close(). */
  all(): Subscriber[] {
    return [...this.#entries.keys()];
  }
}

function bucket<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  return set;
}

function unbucket<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}
