import { actionError } from '../action-error.js';
import { type Command, UsageError } from '../command.js';
import {
  type CliContext,
  ignoredContext,
  ignoredLoginCommand,
  readCliConfig,
  writeCliConfig,
} from '../config/cli-config.js';
import { listingLine } from '../listing-line.js';
import { output } from '../output.js';
import { revokeSession } from './revoke-session.js';

/** The actions of `omega context`; `use` and `delete` take a context NAME. */
const ACTIONS = ['list', 'use', 'delete'] as const;

/**
 * `omega context list|use NAME|delete NAME`: the kernels this CLI knows (like kubectl contexts);
 * delete signs out of the context's session first, as omega logout does.
 */
export const contextCommand: Command = {
  name: 'context',
  summary: 'List the kernels you signed in to, switch the current one, or forget one (its session revoked).',
  usage: 'omega context <list|use NAME|delete NAME> [--json]',
  options: { json: { type: 'boolean', description: 'Print JSON' } },
  actions: ACTIONS,
  async run(values, positionals) {
    const [action = 'list', name, ...extra] = positionals;
    if (extra.length) throw new UsageError(`too many arguments: ${extra.join(' ')}`);
    const config = readCliConfig();
    const json = values.json === true;
    if (action === 'list') {
      const rows = Object.entries(config.contexts).map(([n, c]) => ({
        name: n,
        url: c.url,
        current: n === config.current,
        auth:
          c.auth?.kind === 'session'
            ? `user ${c.auth.username}`
            : c.auth?.kind === 'token'
              ? c.auth.admin
                ? "the kernel's admin token"
                : c.auth.user !== undefined
                  ? `API token of ${c.auth.user}`
                  : 'API token'
              : 'signed out',
      }));
      output(json, rows, () =>
        rows.length === 0
          ? 'no contexts; sign in with omega login --url URL'
          : rows
              .map((r) =>
                listingLine([
                  r.current ? '*' : ' ',
                  { text: r.name, width: 24 },
                  { text: r.url, width: 36 },
                  r.auth,
                ]),
              )
              .join('\n'),
      );
      return 0;
    }
    if (action !== 'use' && action !== 'delete')
      throw actionError(
        'context',
        action,
        ACTIONS.map((a) => (a === 'list' ? a : `${a} NAME`)),
      );
    if (!name) throw new UsageError(`context ${action} needs a NAME; omega context list shows them`);
    const ignored = config.ignored;
    // The context deleted: its session is revoked first, as omega logout does (forgetting it
    // alone left the session valid in the kernel until its refresh token expired).
    let deleted: CliContext | undefined;
    if (ignored && Object.hasOwn(ignored.contexts, name)) {
      // A name an older CLI allowed: it can only be deleted (sign in again under a valid name).
      if (action === 'use')
        throw new UsageError(
          `context ${JSON.stringify(name)} is ignored (its name is not valid any more); sign in again with ${ignoredLoginCommand(ignored.contexts[name])}`,
        );
      deleted = ignoredContext(config, name);
      delete ignored.contexts[name];
      if (ignored.current === name) delete ignored.current;
    } else if (!config.contexts[name])
      throw new UsageError(`no context "${name}"; omega context list shows them`);
    else if (action === 'use') config.current = name;
    else {
      deleted = config.contexts[name];
      delete config.contexts[name];
      if (config.current === name) delete config.current;
    }
    // Best effort: a kernel that does not answer does not keep the context (said below).
    const outcome = deleted ? await revokeSession(deleted) : 'none';
    await writeCliConfig(config);
    if (action === 'use') {
      output(json, { context: name, action }, () => `now using ${name}`);
      return 0;
    }
    const said = {
      revoked: `forgot ${name} (its session revoked)`,
      ended: `forgot ${name} (its session had already ended)`,
      unreachable: `forgot ${name}, but ${deleted?.url} did not answer, so its session is not revoked: it stays valid until its refresh token expires`,
      token: `forgot ${name} (its API token stays valid until it is revoked)`,
      'admin-token': `forgot ${name} (the kernel's admin token stays valid: it is the kernel's own)`,
      none: `forgot ${name}`,
    }[outcome];
    output(json, { context: name, action, revoked: outcome === 'revoked', outcome }, () => said);
    return 0;
  },
};
