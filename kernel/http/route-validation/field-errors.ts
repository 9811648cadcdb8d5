import { omegaError } from '../../errors/index.js';

/** At most this many field errors in one 400: enough to fix a request, bounded for a hostile one. */
export const MAX_FIELD_ERRORS = 20;

/** One bad field of a request, as a 400 problem lists it. */
export interface FieldError {
  field: string;
  message: string;
}

/** The 400 of a request with bad fields: OMEGA_ERR_VALIDATION naming each. */
export function invalidRequest(errors: readonly FieldError[]): Error {
  return omegaError(
    'OMEGA_ERR_VALIDATION',
    `Invalid request: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`.slice(0, 1000),
    { errors },
  );
}
