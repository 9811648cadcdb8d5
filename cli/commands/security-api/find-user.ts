import { ApiError } from '../../api-client.js';
import type { ApiData, ApiOperation } from '../../api-types.js';
import type { KernelApi } from '../../kernel-api.js';

/** A user as the security plugin shows it. */
export type UserView = ApiData<ApiOperation<'/api/v1/security/users/{id}', 'get'>>;

/**
 * The user `ref` names: a username first (case-insensitive, as at sign-in; `GET
 * /api/v1/security/users?username=`), else a user id (`u-…`, every id is one). No such user is a
 * one-line NOT_FOUND (exit 1), as the API's own 404 for an id is.
 */
export async function findUser(api: KernelApi, ref: string): Promise<UserView> {
  const { items } = await api.get('/api/v1/security/users', { query: { username: ref } });
  const [byName] = items;
  if (byName) return byName;
  if (ref.startsWith('u-')) return api.get('/api/v1/security/users/{id}', { path: { id: ref } });
  throw new ApiError(
    `no user "${ref}": no user has this username (omega users list shows them)`,
    'OMEGA_ERR_NOT_FOUND',
    {},
    404,
  );
}
