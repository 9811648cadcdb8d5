import { slurmError } from './slurm-error.js';

/** A JSON object from Slurm, read field by field with type checks. */
export type SlurmRecord = Record<string, unknown>;

/** `value` as an object, or OMEGA_ERR_SLURM_PROTOCOL naming `what`. */
export function asRecord(value: unknown, what: string): SlurmRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw slurmError('OMEGA_ERR_SLURM_PROTOCOL', `Slurm sent ${what} that is not an object.`, { what });
  }
  return value as SlurmRecord;
}

/** `value` as a list of objects, or OMEGA_ERR_SLURM_PROTOCOL naming `what`. */
export function asRecordList(value: unknown, what: string): SlurmRecord[] {
  if (!Array.isArray(value)) {
    throw slurmError('OMEGA_ERR_SLURM_PROTOCOL', `Slurm sent ${what} that is not a list.`, { what });
  }
  return value.map((v) => asRecord(v, `an entry of ${what}`));
}

/** A string field; absent or null gives `fallback`. */
export function readString(rec: SlurmRecord, key: string, fallback = ''): string {
  const v = rec[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string') throw wrongType(key, 'a string');
  return v;
}

/** A numeric field; absent or null gives null. */
export function readNumber(rec: SlurmRecord, key: string): number | null {
  const v = rec[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw wrongType(key, 'a number');
  return v;
}

/** A list-of-strings field; absent or null gives []. */
export function readStringList(rec: SlurmRecord, key: string): string[] {
  const v = rec[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw wrongType(key, 'a list of strings');
  return v as string[];
}

/** Epoch seconds (0 = unset) as ISO-8601, or null. */
export function epochToIso(seconds: number | null): string | null {
  if (seconds === null || seconds <= 0) return null;
  return new Date(seconds * 1000).toISOString();
}

function wrongType(key: string, expected: string) {
  return slurmError('OMEGA_ERR_SLURM_PROTOCOL', `Slurm sent field "${key}" that is not ${expected}.`, {
    field: key,
  });
}
