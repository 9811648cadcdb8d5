import type { StateChange } from './node-record.js';

/**
 * Appends `change` to a node's history (newest last) with the next sequence number `n`, and
 * drops the oldest entries past `max`. Numbers never repeat for a node (they continue from the
 * newest kept entry), so a history page's cursor stays valid while older entries are dropped.
 */
export function appendHistory(
  history: StateChange[],
  change: Omit<StateChange, 'n'>,
  max: number,
): StateChange {
  const last = history.at(-1);
  const entry: StateChange = { n: (last?.n ?? history.length) + 1, ...change };
  history.push(entry);
  if (history.length > max) history.splice(0, history.length - max);
  return entry;
}

/**
 * Gives entries stored before history was numbered their numbers (oldest 1, in order), so
 * they page like the new ones. Entries that have numbers are left as they are.
 */
export function numberHistory(history: StateChange[]): StateChange[] {
  let prev = 0;
  for (const h of history) {
    if (typeof h.n !== 'number' || !Number.isInteger(h.n) || h.n <= prev) h.n = prev + 1;
    prev = h.n;
  }
  return history;
}
