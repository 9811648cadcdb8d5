import type { Grants, PluginGrants } from './grants-schema.js';
import { loadGrants } from './load-grants.js';
import { saveGrants } from './save-grants.js';

/** One queue per grants file, so concurrent edits (admin API, installs) never lose one another. */
const queues = new Map<string, Promise<unknown>>();

/**
 * Reads the grants file, replaces one plugin's entry with what `change` returns (it gets the
 * current entry, or undefined), validates and writes the file durably. Edits of the same file
 * run one at a time. Resolves the whole, validated document.
 */
export function updateGrants(
  file: string,
  plugin: string,
  change: (current: PluginGrants | undefined) => PluginGrants,
): Promise<Grants> {
  const work = async (): Promise<Grants> => {
    const all = await loadGrants(file);
    const next: Grants = { ...all, [plugin]: change(Object.hasOwn(all, plugin) ? all[plugin] : undefined) };
    await saveGrants(file, next);
    return loadGrants(file);
  };
  const run = (queues.get(file) ?? Promise.resolve()).then(work, work);
  queues.set(
    file,
    run.catch(() => {}),
  );
  return run;
}
