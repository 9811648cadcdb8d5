export { ERROR_CODES, type ErrorCode, type ErrorSpec } from './error-codes.js';
export { hasErrorCode, OmegaError, omegaError, type ProblemExtras } from './omega-error.js';
