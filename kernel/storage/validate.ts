import { omegaError } from '../errors/index.js';

const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const MAX_ID = 256;
const MAX_DEPTH = 128;

function invalid(field: string, detail: string): never {
  throw omegaError('OMEGA_ERR_VALIDATION', detail, { field, errors: [{ field, message: detail }] });
}

/** Checks a namespace, collection or ephemeral store name: `[a-z0-9][a-z0-9_-]{0,63}`. */
export function validateName(field: string, value: unknown): string {
  if (typeof value !== 'string' || !NAME.test(value)) {
    invalid(field, `${field} must match ${NAME.source} (lowercase letters, digits, _ and -; at most 64)`);
  }
  return value;
}

/** True when `s` holds a C0 or C1 control character or DEL. */
function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

/** Checks a record id: 1–256 characters, no control characters. */
export function validateId(value: unknown, field = 'id'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID || hasControl(value)) {
    invalid(field, `${field} must be a string of 1–${MAX_ID} characters without control characters`);
  }
  return value;
}

/** Checks `expectedVersion` (a non-negative integer) when given. */
export function validateExpectedVersion(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    invalid('expectedVersion', 'expectedVersion must be a non-negative integer (0 = must not exist yet)');
  }
  return value;
}

/**
 * Serialises plain JSON data, refusing what JSON.stringify would silently drop or mangle:
 * undefined, functions, symbols, bigints, non-finite numbers, cycles, class instances,
 * sparse arrays and nesting deeper than 128. The string is also the stored copy.
 */
export function toJson(value: unknown, field = 'value'): string {
  checkPlain(value, field, new Set(), 0);
  return JSON.stringify(value);
}

function checkPlain(v: unknown, path: string, ancestors: Set<object>, depth: number): void {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(v)) invalid(path, `${path} is not a finite number`);
      return;
    case 'object':
      break;
    default:
      invalid(path, `${path} is ${typeof v}, which is not JSON data`);
  }
  if (v === null) return;
  if (depth >= MAX_DEPTH) invalid(path, `${path} is nested deeper than ${MAX_DEPTH} levels`);
  if (ancestors.has(v)) invalid(path, `${path} refers back to itself (a cycle)`);
  ancestors.add(v);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      if (!(i in v)) invalid(`${path}[${i}]`, `${path}[${i}] is a hole in a sparse array`);
      checkPlain(v[i], `${path}[${i}]`, ancestors, depth + 1);
    }
  } else {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      invalid(path, `${path} is a ${proto?.constructor?.name ?? 'class'} instance, not a plain object`);
    }
    for (const key of Object.keys(v)) {
      checkPlain((v as Record<string, unknown>)[key], `${path}.${key}`, ancestors, depth + 1);
    }
  }
  ancestors.delete(v);
}
