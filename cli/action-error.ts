import { UsageError } from './command.js';

/**
 * The usage error of a command given no action or one it does not have: the unknown one is
 * named (quoted as JSON, so hostile bytes stay one line) beside the list, as `omega alerts` does.
 */
export function actionError(
  command: string,
  action: string | undefined,
  actions: readonly string[],
): UsageError {
  return action === undefined || action === ''
    ? new UsageError(`${command} needs one of: ${actions.join(', ')}`)
    : new UsageError(`${command}: unknown action ${JSON.stringify(action)} (one of: ${actions.join(', ')})`);
}
