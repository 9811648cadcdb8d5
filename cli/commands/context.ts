import { actionError } from '../action-error.js';
import { type Command, UsageError } from '../command.js';
import { ignoredLoginCommand, readCliConfig, writeCliConfig } from '../config/cli-config.js';
import { listingLine } from '../listing-line.js';
import { output } from '../output.js';

/** The actions of `omega context`; `use` and `delete` take a context NAME. */
const ACTIONS = ['list', 'use', 'delete'] as const;

/** `omega context list|use NAME|delete NAME`: the kernels this CLI knows (like kubectl contexts). */
export const contextCommand: Command = {
  name: 'context',
  summary: 'List the kernels you signed in to, switch the current one, or forget one.',
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
              ? 'API token'
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
    if (ignored && Object.hasOwn(ignored.contexts, name)) {
      // A name an older CLI allowed: it can only be deleted (sign in again under a valid name).
      if (action === 'use')
        throw new UsageError(
          `context ${JSON.stringify(name)} is ignored (its name is not valid any more); sign in again with ${ignoredLoginCommand(ignored.contexts[name])}`,
        );
      delete ignored.contexts[name];
      if (ignored.current === name) delete ignored.current;
    } else if (!config.contexts[name])
      throw new UsageError(`no context "${name}"; omega context list shows them`);
    else if (action === 'use') config.current = name;
    else {
      delete config.contexts[name];
      if (config.current === name) delete config.current;
    }
    await writeCliConfig(config);
    output(json, { context: name, action }, () =>
      action === 'use' ? `now using ${name}` : `forgot ${name}`,
    );
    return 0;
  },
};
