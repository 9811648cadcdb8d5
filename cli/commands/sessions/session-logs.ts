import { UsageError } from '../../command.js';
import { intFlag } from '../../int-flag.js';
import type { ActionHandler } from './action-handler.js';
import { copyLogs } from './copy-logs.js';
import { one, str } from './flags.js';

/** `sessions logs ID [-f] [--stream stderr] [--offset N]`: a session's output, followed with `-f`. */
export const sessionLogs: ActionHandler = async (values, args) => {
  const id = one(args, 'logs needs exactly one session id');
  const stream = str(values.stream) ?? 'stdout';
  if (stream !== 'stdout' && stream !== 'stderr')
    throw new UsageError(`--stream takes stdout or stderr (got "${stream}")`);
  await copyLogs(values, id, {
    stream,
    offset: intFlag(values, 'offset', { min: 0 }) ?? 0,
    follow: values.follow === true,
    json: values.json === true,
  });
  return 0;
};
