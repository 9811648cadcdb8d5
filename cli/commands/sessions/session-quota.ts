import { actionError } from '../../action-error.js';
import { UsageError } from '../../command.js';
import { decimalFlag } from '../../decimal-flag.js';
import { intFlag } from '../../int-flag.js';
import { kernelApi } from '../../kernel-api.js';
import { output } from '../../output.js';
import type { ActionHandler } from './action-handler.js';
import { type Obj, str, type Values } from './flags.js';
import { quotaText } from './quota-text.js';

const QUOTA_ACTIONS = ['list', 'me', 'show', 'set', 'rm'] as const;

async function quotaAction(action: string | undefined, values: Values, args: string[]): Promise<unknown> {
  const api = kernelApi(values);
  const target = (what: string): { path: { scope: 'user' | 'role'; name: string } } => {
    const [scope, name] = args;
    if (args.length !== 2 || (scope !== 'user' && scope !== 'role') || !name)
      throw new UsageError(
        `sessions quota ${what} needs a scope and a name: user USER_ID (u-…) or role ROLE`,
      );
    return { path: { scope, name } };
  };
  switch (action) {
    case 'list':
      return api.get('/api/v1/sessions/quotas');
    case 'me':
      return api.get('/api/v1/sessions/quotas/me');
    case 'show':
      return api.get('/api/v1/sessions/quotas/{scope}/{name}', target('show'));
    case 'set': {
      const { path } = target('set');
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
      return api.put('/api/v1/sessions/quotas/{scope}/{name}', { path, body: { limits } });
    }
    case 'rm':
      return api.delete('/api/v1/sessions/quotas/{scope}/{name}', target('rm'));
    default:
      throw actionError('sessions quota', action, QUOTA_ACTIONS);
  }
}

/** `sessions quota <list|me|show|set|rm> …`: the quotas on users and roles, and the caller's own. */
export const sessionQuota: ActionHandler = async (values, args) => {
  const [sub, ...rest] = args;
  const data = await quotaAction(sub, values, rest);
  output(values.json === true, data ?? { removed: true }, () => quotaText(sub, data));
  return 0;
};
