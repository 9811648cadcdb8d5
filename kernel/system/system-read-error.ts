import { isHostinfoError } from '@omega/hostinfo';
import { OmegaError } from '../errors/index.js';

/**
 * Turns a @omega/hostinfo error (a malformed or unreadable host file) into the kernel's coded
 * `OMEGA_ERR_SYSTEM_READ`, naming the source; anything else is returned unchanged.
 */
export function toSystemReadError(err: unknown): unknown {
  if (!isHostinfoError(err)) return err;
  const extras = err.source === undefined ? {} : { source: err.source };
  return new OmegaError('OMEGA_ERR_SYSTEM_READ', err.message, extras, { cause: err });
}

/** Wraps a hostinfo parser so that its errors surface as `OMEGA_ERR_SYSTEM_READ`, as the kernel's own did. */
export function asSystemRead<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    try {
      return fn(...args);
    } catch (err) {
      throw toSystemReadError(err);
    }
  };
}
