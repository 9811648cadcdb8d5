import type { ApiQuery } from '../../api-types.js';
import { UsageError } from '../../command.js';
import { intFlag } from '../../int-flag.js';
import { output } from '../../output.js';
import type { ActionHandler } from './action-handler.js';
import { str } from './flags.js';
import { sessionText } from './session-text.js';

type SessionListQuery = ApiQuery<'/api/v1/sessions', 'get'>;

/** `sessions list [--state S,..] [--owner U] [--node N] [--gpu G] [--limit N] [--cursor C]`: one page of sessions. */
export const listSessions: ActionHandler = async (values, args, api) => {
  if (args.length)
    throw new UsageError('sessions list takes no arguments; filter with --state, --owner, --node, --gpu');
  // The kernel checks each value against the document and names a wrong one.
  const data = await api.get('/api/v1/sessions', {
    query: {
      state: str(values.state) as SessionListQuery['state'],
      owner: str(values.owner),
      node: str(values.node),
      gpu: str(values.gpu),
      limit: intFlag(values, 'limit', { min: 1, max: 500 }),
      cursor: str(values.cursor),
    },
  });
  output(values.json === true, data, () => sessionText('list', data));
  return 0;
};
