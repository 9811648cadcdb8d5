import { omegaError } from '../errors/index.js';
import { makeEntry, type RecordEntry } from './collection.js';
import { MAX_TRANSACTION_OPS } from './driver.js';
import type { NamespaceData } from './namespace-file.js';
import { toJson, validateId, validateName } from './validate.js';

/** A transaction op after validation; a set's value is already serialised. */
export interface CheckedOp {
  op: 'set' | 'delete';
  collection: string;
  id: string;
  expected: number | undefined;
  valueJson: string;
}

function invalid(field: string, message: string): never {
  throw omegaError('OMEGA_ERR_VALIDATION', `${field} ${message}`, { field, errors: [{ field, message }] });
}

/** Validates a transaction's ops (0–1000 sets and deletes), naming the field of the first bad one. */
export function checkTransaction(ops: unknown): CheckedOp[] {
  if (!Array.isArray(ops)) invalid('ops', 'must be an array of operations');
  if (ops.length > MAX_TRANSACTION_OPS) invalid('ops', `must hold at most ${MAX_TRANSACTION_OPS} operations`);
  return ops.map((raw: unknown, i): CheckedOp => {
    const at = `ops[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) invalid(at, 'must be an object');
    const o = raw as Record<string, unknown>;
    if (o.op !== 'set' && o.op !== 'delete') invalid(`${at}.op`, 'must be "set" or "delete"');
    const collection = validateName(`${at}.collection`, o.collection);
    const id = validateId(o.id, `${at}.id`);
    const ev = o.expectedVersion;
    if (ev !== undefined && !(typeof ev === 'number' && Number.isSafeInteger(ev) && ev >= 0)) {
      invalid(`${at}.expectedVersion`, 'must be a non-negative integer (0 = must not exist yet)');
    }
    if (o.op === 'set' && !('value' in o)) invalid(`${at}.value`, 'is required for a set');
    const valueJson = o.op === 'set' ? toJson(o.value, `${at}.value`) : '';
    return { op: o.op, collection, id, expected: ev as number | undefined, valueJson };
  });
}

/** One record a transaction changes: its state before and after (undefined = absent). */
export interface PlannedWrite {
  collection: string;
  id: string;
  prev: RecordEntry | undefined;
  next: RecordEntry | undefined;
}

/** What a transaction would do: the records it changes (first-touch order), per-op results, net growth in bytes. */
export interface TransactionPlan {
  writes: PlannedWrite[];
  /** Per op: the record a set wrote, or whether a delete removed one. */
  results: (RecordEntry | boolean)[];
  growth: number;
}

/**
 * Runs the ops in order against the current state without changing it. Throws
 * OMEGA_ERR_CONFLICT for the first op whose expectedVersion does not match (earlier ops of
 * the same transaction count), naming its index.
 */
export function planTransaction(
  data: NamespaceData,
  ops: readonly CheckedOp[],
  now: string,
): TransactionPlan {
  const touched = new Map<string, PlannedWrite>();
  const results: (RecordEntry | boolean)[] = [];
  ops.forEach((op, i) => {
    const key = `${op.collection}\u0000${op.id}`;
    let w = touched.get(key);
    if (!w) {
      const prev = data.get(op.collection)?.get(op.id);
      w = { collection: op.collection, id: op.id, prev, next: prev };
      touched.set(key, w);
    }
    const cur = w.next;
    const actual = cur?.version ?? 0;
    if (op.expected !== undefined && op.expected !== actual) {
      throw omegaError(
        'OMEGA_ERR_CONFLICT',
        `Transaction op ${i} (${op.op} ${op.collection}/${op.id}): the record is at version ${actual}, ` +
          `not the expected ${op.expected}. Nothing was applied.`,
        { op: i, collection: op.collection, id: op.id, expected: op.expected, actual },
      );
    }
    if (op.op === 'set') {
      w.next = makeEntry(op.id, actual + 1, cur?.createdAt ?? now, now, op.valueJson);
      results.push(w.next);
    } else {
      results.push(cur !== undefined);
      w.next = undefined;
    }
  });
  let growth = 0;
  const writes = [...touched.values()].filter((w) => w.prev !== w.next);
  for (const w of writes) growth += (w.next?.bytes ?? 0) - (w.prev?.bytes ?? 0);
  return { writes, results, growth };
}
