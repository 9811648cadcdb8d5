import type { QuotaLimits, SessionSpec } from '../contract.js';
import { sessionError } from '../errors/session-errors.js';
import { isTerminal } from '../lifecycle/states.js';
import { formatSize } from '../spec/parse-size.js';
import type { SessionRecord } from '../store/session-record.js';
import type { QuotaStore } from './quota-store.js';

/** What a user's sessions hold (every session not yet ended, pending ones included). */
export interface QuotaUse {
  cores: number;
  memoryBytes: number;
  gpus: number;
  sessions: number;
}

type Field = keyof QuotaLimits;
const FIELDS: readonly Field[] = ['sessions', 'cores', 'memoryBytes', 'gpus'];

/** One limit in force for a user, and which quota sets it. */
export interface EffectiveLimit {
  limit: number;
  quota: { scope: 'user' | 'role'; name: string };
}

/** What one spec counts against a quota. */
export function specUse(spec: SessionSpec): QuotaUse {
  const r = spec.resources;
  return {
    cores: r.cores ?? (r.millicores ?? 1000) / 1000,
    memoryBytes: r.memoryBytes,
    gpus: r.gpus,
    sessions: 1,
  };
}

/** The sum of what `owner`'s sessions hold now. */
export function useOf(sessions: Iterable<SessionRecord>, owner: string): QuotaUse {
  const u: QuotaUse = { cores: 0, memoryBytes: 0, gpus: 0, sessions: 0 };
  for (const r of sessions) {
    if (r.owner.id !== owner || isTerminal(r.status.state)) continue;
    const s = specUse(r.spec);
    u.cores += s.cores;
    u.memoryBytes += s.memoryBytes;
    u.gpus += s.gpus;
    u.sessions++;
  }
  u.cores = Math.round(u.cores * 1000) / 1000;
  return u;
}

/**
 * The limits in force for a user: per field, the user's own quota when it sets the field, else
 * the most generous quota among the user's roles that set it; a field nobody sets is unlimited.
 * Role quotas apply to each user with the role, not to the role's users together.
 */
export function effectiveLimits(
  quotas: QuotaStore,
  user: string,
  roles: readonly string[],
): Partial<Record<Field, EffectiveLimit>> {
  const out: Partial<Record<Field, EffectiveLimit>> = {};
  const own = quotas.get('user', user);
  for (const f of FIELDS) {
    const mine = own?.limits[f];
    if (mine !== undefined) {
      out[f] = { limit: mine, quota: { scope: 'user', name: user } };
      continue;
    }
    for (const role of roles) {
      const v = quotas.get('role', role)?.limits[f];
      if (v !== undefined && (out[f] === undefined || v > out[f]!.limit))
        out[f] = { limit: v, quota: { scope: 'role', name: role } };
    }
  }
  return out;
}

const show = (f: Field, v: number): string =>
  f === 'memoryBytes'
    ? formatSize(v)
    : f === 'sessions'
      ? `${v} session${v === 1 ? '' : 's'}`
      : f === 'gpus'
        ? `${v} GPU${v === 1 ? '' : 's'}`
        : `${v} core${v === 1 ? '' : 's'}`;

/**
 * Refuses a new session that would take a user past a limit in force: 403 SESSIONS_ERR_QUOTA
 * naming the quota, the limit, the current use and what was asked.
 */
export function checkQuota(
  limits: Partial<Record<Field, EffectiveLimit>>,
  used: QuotaUse,
  ask: QuotaUse,
): void {
  for (const f of FIELDS) {
    const l = limits[f];
    if (!l || used[f] + ask[f] <= l.limit + 1e-9) continue;
    const name = `${l.quota.scope} quota "${l.quota.name}"`;
    throw sessionError(
      'SESSIONS_ERR_QUOTA',
      `Over quota: ${name} allows ${show(f, l.limit)}; you use ${show(f, used[f])} and ask for ${show(f, ask[f])}.`,
      { quota: { ...l.quota, field: f, limit: l.limit }, used, requested: ask },
    );
  }
}
