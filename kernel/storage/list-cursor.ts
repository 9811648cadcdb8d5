import { omegaError } from '../errors/index.js';

/** Encodes the last id of a page as an opaque cursor. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ after: lastId }), 'utf8').toString('base64url');
}

/** Decodes a cursor made by {@link encodeCursor}; anything else is OMEGA_ERR_VALIDATION. */
export function decodeCursor(cursor: unknown): string | undefined {
  if (cursor === undefined) return undefined;
  let after: unknown;
  try {
    if (typeof cursor !== 'string') throw new TypeError('not a string');
    after = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown }).after;
  } catch {
    after = undefined;
  }
  if (typeof after !== 'string') {
    throw omegaError('OMEGA_ERR_VALIDATION', 'cursor is not one this list returned', {
      field: 'cursor',
      errors: [{ field: 'cursor', message: 'use the nextCursor of the previous page' }],
    });
  }
  return after;
}
