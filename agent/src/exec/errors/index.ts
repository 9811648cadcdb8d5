export { ExecError, type ExecErrorExtras, execError, hasExecErrorCode } from './exec-error.js';
export { EXEC_ERROR_CODES, type ExecErrorCode, type ExecErrorSpec } from './exec-error-codes.js';
