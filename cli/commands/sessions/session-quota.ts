import { actionError } from '../../action-error.js';
import { ApiError } from '../../api-client.js';
import { UsageError } from '../../command.js';
import { decimalFlag } from '../../decimal-flag.js';
import { intFlag } from '../../int-flag.js';
import { kernelApi } from '../../kernel-api.js';
import { output } from '../../output.js';
import type { ActionHandler } from './action-handler.js';
import { type Obj, str, type Values } from './flags.js';
import { quotaText } from './quota-text.js';
import { quotaUser } from './quota-user.js';

/** The actions under `sessions quota`. */
export const QUOTA_ACTIONS = ['list', 'me', 'show', 'set', 'rm'] as const;

async function quotaAction(
  action: string | undefined,
  values: Values,
  args: string[],
): Promise<{ data: unknown; username?: string }> {
  const api = kernelApi(values);
  let username: string | undefined;
  const target = async (what: string): Promise<{ path: { scope: 'user' | 'role'; name: string } }> => {
    const [scope, name] = args;
    if (args.length !== 2 || (scope !== 'user' && scope !== 'role') || !name)
      throw new UsageError(
        `sessions quota ${what} needs a scope and a name: user USERNAME or USER_ID (u-…), or role ROLE`,
      );
    if (scope === 'role') return { path: { scope, name } };
    const user = await quotaUser(
      name,
      async (username) => (await api.get('/api/v1/security/users', { query: { username } })).items[0],
      what === 'set',
    );
    if (user.warning) process.stderr.write(`omega: warning: ${user.warning}\n`);
    username = user.username;
    return { path: { scope, name: user.id } };
  };
  /**
   * show and rm: a username's quota the old CLI stored under the name itself (not the user's id)
   * is still found — when the id answers 404, the name as given is tried once.
   */
  const byNameOnce = async <T>(
    t: { path: { scope: 'user' | 'role'; name: string } },
    call: (t: { path: { scope: 'user' | 'role'; name: string } }) => Promise<T>,
  ): Promise<T> => {
    const given = args[1] as string;
    try {
      return await call(t);
    } catch (err) {
      if (!(err instanceof ApiError) || err.httpStatus !== 404 || t.path.name === given) throw err;
      const found = await call({ path: { ...t.path, name: given } });
      username = undefined;
      return found;
    }
  };
  const data = await (async () => {
    switch (action) {
      case 'list':
        return api.get('/api/v1/sessions/quotas');
      case 'me':
        return api.get('/api/v1/sessions/quotas/me');
      case 'show':
        return byNameOnce(await target('show'), (t) => api.get('/api/v1/sessions/quotas/{scope}/{name}', t));
      case 'set': {
        const limits = quotaLimits(values);
        return api.put('/api/v1/sessions/quotas/{scope}/{name}', {
          ...(await target('set')),
          body: { limits },
        });
      }
      case 'rm':
        return byNameOnce(await target('rm'), (t) => api.delete('/api/v1/sessions/quotas/{scope}/{name}', t));
      default:
        throw actionError('sessions quota', action, QUOTA_ACTIONS);
    }
  })();
  return { data, ...(username ? { username } : {}) };
}

/** The limits `quota set` stores, from its flags (checked before the user is looked up). */
function quotaLimits(values: Values): Obj {
  const limits: Obj = {};
  const cores = decimalFlag(values, 'cores', { min: 0, max: 10_000_000 });
  if (cores !== undefined) limits.cores = cores;
  if (str(values.memory)) limits.memory = values.memory;
  const gpus = intFlag(values, 'gpus', { min: 0, max: 10_000_000 });
  if (gpus !== undefined) limits.gpus = gpus;
  const sessions = intFlag(values, 'max-sessions', { min: 0, max: 10_000_000 });
  if (sessions !== undefined) limits.sessions = sessions;
  if (!Object.keys(limits).length)
    throw new UsageError(
      'sessions quota set needs at least one of --cores, --memory, --gpus, --max-sessions',
    );
  return limits;
}

/** `sessions quota <list|me|show|set|rm> …`: the quotas on users and roles, and the caller's own. */
export const sessionQuota: ActionHandler = async (values, args) => {
  const [sub, ...rest] = args;
  const { data, username } = await quotaAction(sub, values, rest);
  output(values.json === true, data ?? { removed: true }, () => quotaText(sub, data, username));
  return 0;
};
