import { ApiError } from '../api-client.js';

/**
 * For `nodes approve|reject ID`: the nodes plugin refuses an id that is no key fingerprint
 * telling an API client to "name it by the id GET /pending lists"; a CLI user is told the
 * command that lists them. Any other error is passed on as it is.
 */
export function pendingAgentRefusal(id: string): (err: unknown) => never {
  return (err) => {
    if (err instanceof ApiError && err.code === 'OMEGA_ERR_NOT_FOUND' && err.message.includes('GET /pending'))
      throw new ApiError(
        `no discovered agent ${JSON.stringify(id)}: give an agent id as omega nodes pending lists it`,
        err.code,
        err.problem,
        err.httpStatus,
      );
    throw err;
  };
}
