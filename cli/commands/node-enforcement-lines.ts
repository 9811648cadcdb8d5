import { fieldLine } from '../listing-line.js';

/**
 * The lines `omega nodes show` prints for a node's cgroup report (`status.cgroup`, an agent's
 * claim, read defensively): the cgroup mode, then what the node really enforces, one
 * `enforcement` line per feature in the agent's own words, then its notes. Nothing when the
 * node sent no report.
 */
export function nodeEnforcementLines(report: unknown): string[] {
  if (report === null || typeof report !== 'object') return [];
  const r = report as { mode?: unknown; features?: unknown; notes?: unknown };
  const lines: string[] = [];
  if (typeof r.mode === 'string') lines.push(fieldLine('cgroup', r.mode));
  if (r.features !== null && typeof r.features === 'object')
    for (const f of Object.values(r.features as Record<string, unknown>)) {
      const text = (f as { text?: unknown } | null)?.text;
      if (typeof text === 'string') lines.push(fieldLine('enforcement', text));
    }
  if (Array.isArray(r.notes))
    for (const n of r.notes) if (typeof n === 'string') lines.push(fieldLine('note', n));
  return lines;
}
