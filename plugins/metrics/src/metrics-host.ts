import type { SystemArea } from './collect/host-data.js';
import type { PluginStorage } from './persist/plugin-storage.js';

/**
 * Areas read in one go (a `system.sample` answer, or the reading a timer tick carries): each
 * reading under its name in `data`, each failed area's code and message in `errors`.
 */
export interface SystemReading {
  data: { [area: string]: unknown };
  errors: { [area: string]: { code: string; message: string } };
}

/**
 * What the metrics runtime needs from its surroundings: in the sandbox this is the plugin's
 * `ctx` (system.sample/read, storage, events.emit, fetch, log); tests may pass the same shape.
 */
export interface MetricsHost {
  readSystem(area: SystemArea): Promise<unknown>;
  /**
   * Several areas in one host call (`ctx.system.sample`): each reading under its name in `data`,
   * each failed area's code and message in `errors`. Without it, one `readSystem` per area.
   */
  sampleSystem?(areas: readonly SystemArea[]): Promise<SystemReading>;
  storage: PluginStorage;
  /**
   * Publishes without waiting for an answer (`ctx.events.emit`): the kernel logs a failure.
   * Throws only when the event cannot be sent at all (not JSON, too large, too many unsent).
   */
  emit(topic: string, data: unknown): void;
  fetch(
    url: string,
    init: { method: 'POST'; headers: Record<string, string>; body: string; timeoutMs: number },
  ): Promise<{ status: number }>;
  log(level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>): void;
  now(): number;
}
