import { actionError } from '../../action-error.js';
import { type Command, nestedActions } from '../../command.js';
import { kernelApi } from '../../kernel-api.js';
import type { ActionHandler } from './action-handler.js';
import { byIdActions } from './by-id-actions.js';
import { listSessions } from './list-sessions.js';
import { runSession } from './run-session.js';
import { sessionLogs } from './session-logs.js';
import { QUOTA_ACTIONS, sessionQuota } from './session-quota.js';
import { sessionSettings } from './session-settings.js';
import { sessionsOptions } from './sessions-options.js';

const ACTIONS = [
  'run',
  'list',
  'show',
  'pause',
  'resume',
  'kill',
  'logs',
  'usage',
  'quota',
  'settings',
] as const;

/** What each action does. */
const HANDLERS: { [A in (typeof ACTIONS)[number]]: ActionHandler } = {
  run: runSession,
  list: listSessions,
  ...byIdActions,
  logs: sessionLogs,
  quota: sessionQuota,
  settings: sessionSettings,
};

/** `omega sessions …`: run, list, inspect, pause, resume and kill compute sessions; their logs, usage and quotas. */
export const sessionsCommand: Command = {
  name: 'sessions',
  summary:
    'Run compute sessions on the nodes (or Slurm); list, show, pause, resume, kill; logs -f, usage, quotas, settings.',
  usage:
    'omega sessions <run [--cores N|--millicores M] [--memory 2G] [--gpus N [--gpu-model M]] [--pids N] [--disk 10G] [--node-selector K=V,..] [--name N] [--env K=V,..] [--cwd DIR] [--priority P] [--time-limit 1h] [--spread] [--best-effort] [--slurm [--partition P]] [-f] (-- CMD ARGS..|--script TEXT)|list [--state S,..] [--owner U] [--node N] [--gpu G] [--limit N] [--cursor C]|show ID|pause ID|resume ID|kill ID [--reason R] [--grace 10s]|logs ID [-f] [--stream stderr] [--offset N]|usage ID [--fresh]|quota <list|me|show SCOPE NAME|set SCOPE NAME [--cores N] [--memory 64G] [--gpus N] [--max-sessions N]|rm SCOPE NAME> (SCOPE NAME: user USERNAME or USER_ID, or role ROLE)|settings [--set K=V,..]> [--url URL | --context NAME] [--token TOKEN] [--json]',
  options: sessionsOptions,
  actions: nestedActions(ACTIONS, { quota: QUOTA_ACTIONS }),
  takesCommand: ['run'],
  async run(values, positionals) {
    const [action, ...rest] = positionals;
    if (!action || !(ACTIONS as readonly string[]).includes(action))
      throw actionError('sessions', action, ACTIONS);
    return HANDLERS[action as (typeof ACTIONS)[number]](values, rest, kernelApi(values));
  },
};
