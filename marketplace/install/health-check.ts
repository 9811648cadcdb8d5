import type { PluginView } from '../../kernel/index.js';

/** The outcome of watching a freshly started plugin. */
export interface Health {
  ok: boolean;
  status: string;
  reason?: string;
}

const BAD = new Set(['crashed', 'backoff', 'quarantined', 'refused', 'stopped', 'disabled']);

/**
 * Watches a just-started plugin for `windowMs`: healthy when it is running at the end without
 * having crashed or restarted; unhealthy as soon as it is refused, crashed, backing off or
 * quarantined.
 */
export async function healthCheck(info: () => PluginView, windowMs: number): Promise<Health> {
  const first = info();
  const restarts = first.runtime?.restarts ?? 0;
  const deadline = Date.now() + windowMs;
  for (;;) {
    const v = info();
    const reason = v.reasons[0]?.message ?? v.runtime?.reason;
    if (BAD.has(v.status) || (v.runtime?.restarts ?? 0) > restarts)
      return { ok: false, status: v.status, ...(reason ? { reason } : {}) };
    if (Date.now() >= deadline)
      return v.status === 'running'
        ? { ok: true, status: v.status }
        : { ok: false, status: v.status, ...(reason ? { reason } : {}) };
    await new Promise((r) => setTimeout(r, 50));
  }
}
