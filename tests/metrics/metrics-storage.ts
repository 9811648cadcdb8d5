import type { Logger } from '../../kernel/log/index.js';
import { openStorage, type Storage } from '../../kernel/storage/index.js';
import type { PluginStorage } from '../../plugins/metrics/src/persist/plugin-storage.js';

/**
 * The metrics plugin's storage as the kernel serves it — its namespace of a real storage opened
 * in `dir` — for tests that drive the plugin's classes without a sandbox. The storage is pushed to
 * `opened` for the test to close.
 */
export async function metricsStorageAt(
  dir: string,
  logger: Logger,
  opened: Storage[],
): Promise<PluginStorage> {
  const s = await openStorage({ dataDir: dir, logger });
  opened.push(s);
  const ns = s.namespace('metrics');
  return {
    get: async (c, id) => (await ns.get(c, id)) ?? null,
    set: (c, id, v, o) => ns.set(c, id, v, o),
    delete: (c, id, o) => ns.delete(c, id, o),
    list: (c, o) => ns.list(c, o),
  };
}
