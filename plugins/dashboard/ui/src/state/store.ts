import { useEffect, useState } from 'preact/hooks';

/** A value that components can watch: the app's small, explicit state containers. */
export interface Store<T> {
  get(): T;
  set(value: T): void;
  /** Calls `fn` after every change; returns its undo. */
  subscribe(fn: (value: T) => void): () => void;
}

/** Creates a {@link Store}; `set` with the same value (Object.is) notifies nobody. */
export function createStore<T>(initial: T): Store<T> {
  let value = initial;
  const listeners = new Set<(value: T) => void>();
  return {
    get: () => value,
    set(next) {
      if (Object.is(next, value)) return;
      value = next;
      for (const fn of [...listeners]) fn(value);
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}

/** The store's current value, re-rendering the component when it changes. */
export function useStore<T>(store: Store<T>): T {
  const [value, setValue] = useState(store.get());
  useEffect(() => {
    setValue(store.get());
    return store.subscribe(setValue);
  }, [store]);
  return value;
}
