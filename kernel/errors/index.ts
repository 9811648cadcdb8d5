export {
  ERROR_CODES,
  type ErrorCode,
  type ErrorSpec,
  hasErrorCode,
  OmegaError,
  omegaError,
  type ProblemExtras,
} from '@omega/protocol';
export { PROBLEM_CONTENT_TYPE, type Problem, problemType, toProblem } from './problem.js';
