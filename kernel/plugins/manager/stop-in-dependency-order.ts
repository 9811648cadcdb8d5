/** How {@link stopInDependencyOrder} reads one plugin. */
export interface StopOrderOf<E> {
  name(e: E): string;
  /** The names of the plugins `e` depends on (its manifest's `dependencies`). */
  dependsOn(e: E): readonly string[];
  stop(e: E): Promise<void>;
}

/**
 * Stops every plugin of `entries` at once, each only after every plugin that depends on it has
 * stopped (a dependent's calls in flight may still need its provider), whatever order `entries`
 * are in — a provider installed at run time comes after its dependents. A stop that fails does
 * not hold back the plugins it depends on; in a dependency cycle (none can start, but a folder may
 * declare one) the plugin met again does not wait for itself. Resolves one promise per entry, in
 * `entries`' order.
 */
export function stopInDependencyOrder<E>(entries: readonly E[], of: StopOrderOf<E>): Promise<void>[] {
  const dependents = new Map<string, E[]>();
  for (const e of entries) {
    for (const provider of of.dependsOn(e)) {
      const list = dependents.get(provider);
      if (list) list.push(e);
      else dependents.set(provider, [e]);
    }
  }
  const stops = new Map<string, Promise<void>>();
  const visiting = new Set<string>();
  const stopOf = (e: E): Promise<void> => {
    const name = of.name(e);
    const known = stops.get(name);
    if (known) return known;
    if (visiting.has(name)) return Promise.resolve();
    visiting.add(name);
    const waits = (dependents.get(name) ?? []).map(stopOf);
    visiting.delete(name);
    const stopped = Promise.allSettled(waits).then(() => of.stop(e));
    stops.set(name, stopped);
    return stopped;
  };
  return entries.map(stopOf);
}
