/**
 * `record[key]` when `key` is the record's own entry, else undefined: index documents are parsed
 * JSON keyed by names a caller chose, and `plugins["constructor"]` must not be Object's.
 */
export function ownEntry<T>(record: Record<string, T> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
