import { UsageError } from './command.js';

/**
 * A time given on the command line as the kernel's API takes it (`…Z`): a time without a zone
 * (`2026-12-07T18:00`, `2026-12-07 18:00`) is read here, in the operator's own time zone — the
 * kernel refuses one, as it would be read in the server's. Epoch ms are taken as they are.
 * `usage` is the message's start.
 */
export function timeFlag(text: string, usage: string): string {
  const s = text.trim();
  // A bare date is midnight where the operator is (Date.parse alone reads it as UTC).
  const t = /^\d{1,15}$/.test(s) ? Number(s) : Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00` : s);
  if (Number.isNaN(t)) throw new UsageError(`${usage} (got "${text}")`);
  return new Date(t).toISOString();
}
