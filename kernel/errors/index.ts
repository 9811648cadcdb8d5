export { ERROR_CODES, type ErrorCode, type ErrorSpec } from './codes.js';
export { hasErrorCode, OmegaError, omegaError, type ProblemExtras } from './omega-error.js';
export { PROBLEM_CONTENT_TYPE, type Problem, problemType, toProblem } from './problem.js';
