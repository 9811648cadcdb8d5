export { ERROR_CODES, type ErrorCode, type ErrorSpec } from './error-codes.js';
export { hasErrorCode, OmegaError, omegaError, type ProblemExtras } from './omega-error.js';
export { CERT_DATE_CODES, PLAIN_ANSWER_CODES, UNTRUSTED_CERT_CODES } from './tls-error-codes.js';
