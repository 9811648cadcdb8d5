import { actionError } from '../../action-error.js';
import type { ApiBody } from '../../api-types.js';
import { type Command, UsageError } from '../../command.js';
import { confirmOrYes } from '../../confirm-or-yes.js';
import { type KernelApi, kernelApi } from '../../kernel-api.js';
import { fieldLine, listingLine } from '../../listing-line.js';
import { namesFlag } from '../../names-flag.js';
import { output } from '../../output.js';
import { findUser, type UserView } from './find-user.js';
import { newPassword } from './new-password.js';

const ACTIONS = ['list', 'show', 'create', 'set', 'delete'] as const;
type Values = Record<string, string | boolean | undefined>;

/** A column as wide as its widest cell (at most `max`) and its header. */
const widthOf = (header: string, cells: string[], max = 32): number =>
  Math.min(max, Math.max(header.length, ...cells.map((c) => c.length)));

function userTable(users: UserView[]): string {
  if (users.length === 0) return 'No users.';
  const name = widthOf(
    'USERNAME',
    users.map((u) => u.username),
  );
  const id = widthOf(
    'ID',
    users.map((u) => u.id),
    40,
  );
  const row = (cells: [string, string, string, string]) =>
    listingLine([
      { text: cells[0], width: name, max: name, ellipsis: true },
      { text: cells[1], width: id },
      { text: cells[2], width: 8 },
      cells[3],
    ]);
  return [
    row(['USERNAME', 'ID', 'STATUS', 'ROLES']),
    ...users.map((u) =>
      row([u.username, u.id, u.disabled ? 'disabled' : 'active', u.roles.join(',') || '-']),
    ),
  ].join('\n');
}

function userDetails(u: UserView): string {
  return [
    listingLine([`${u.username} (${u.id})`]),
    fieldLine('status', u.disabled ? 'disabled: cannot sign in, API tokens refused' : 'active'),
    fieldLine('roles', u.roles.join(', ') || '-'),
    fieldLine('created', u.createdAt),
    fieldLine('updated', u.updatedAt),
    fieldLine('password', `changed ${u.passwordChangedAt}`),
  ].join('\n');
}

/** Every user, page by page (1,000 a request). */
async function allUsers(api: KernelApi): Promise<UserView[]> {
  const users: UserView[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.get('/api/v1/security/users', { query: { limit: 1000, cursor } });
    users.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return users;
}

/** The one argument `action` takes, or a usage error saying what it is. */
function oneUser(action: string, args: string[], what = 'USER (a username or a u-… id)'): string {
  if (args.length !== 1 || !args[0]) throw new UsageError(`users ${action} needs exactly one ${what}`);
  return args[0];
}

async function setUser(values: Values, api: KernelApi, ref: string): Promise<UserView> {
  if (values.disable === true && values.enable === true)
    throw new UsageError('users set takes --disable or --enable, not both');
  const roles = namesFlag(values, 'roles');
  const body: ApiBody<'/api/v1/security/users/{id}', 'patch'> = {};
  if (roles) body.roles = roles;
  if (values.disable === true) body.disabled = true;
  if (values.enable === true) body.disabled = false;
  if (Object.keys(body).length === 0 && values['password-stdin'] !== true)
    throw new UsageError(
      'users set needs at least one of --roles R,…, --disable, --enable, --password-stdin',
    );
  const user = await findUser(api, ref);
  if (values['password-stdin'] === true) body.password = await newPassword(values, user.username);
  return api.patch('/api/v1/security/users/{id}', { path: { id: user.id }, body });
}

/** `omega users …`: the security plugin's users — list, show, create, change, delete. */
export const usersCommand: Command = {
  name: 'users',
  summary: 'Users of the security plugin: list, show, create, change roles or password, disable, delete.',
  usage:
    'omega users [list] | show USER | create USERNAME [--roles R,…] [--password-stdin] | set USER [--roles R,…] [--disable|--enable] [--password-stdin] | delete USER [--yes] [--json]',
  options: {
    'data-dir': { type: 'string', description: 'Where to find admin-token (default ./data)' },
    roles: {
      type: 'string',
      list: true,
      for: ['create', 'set'],
      description: 'create (default viewer), set (replaces them): role names, R1,R2 (omega roles list)',
    },
    'password-stdin': {
      type: 'boolean',
      for: ['create', 'set'],
      description:
        'create, set: read the password from stdin (at a terminal it is asked for twice instead; never on the command line)',
    },
    disable: {
      type: 'boolean',
      for: ['set'],
      description: 'set: the user cannot sign in; their API tokens are refused',
    },
    enable: { type: 'boolean', for: ['set'], description: 'set: undo --disable' },
    yes: {
      type: 'boolean',
      for: ['delete'],
      description: 'delete: do it without asking (it cannot be undone)',
    },
    json: { type: 'boolean', description: 'Print JSON' },
  },
  actions: ACTIONS,
  async run(values, positionals) {
    const [action = 'list', ...args] = positionals;
    if (!(ACTIONS as readonly string[]).includes(action)) throw actionError('users', action, ACTIONS);
    const json = values.json === true;
    const api = kernelApi(values);
    if (action === 'list') {
      if (args.length)
        throw new UsageError('users list takes no arguments (omega users show USER shows one)');
      const items = await allUsers(api);
      output(json, { items }, () => userTable(items));
    } else if (action === 'show') {
      const user = await findUser(api, oneUser(action, args));
      output(json, user, () => userDetails(user));
    } else if (action === 'create') {
      const username = oneUser(action, args, 'USERNAME');
      const roles = namesFlag(values, 'roles');
      const password = await newPassword(values, username);
      const user = await api.post('/api/v1/security/users', {
        body: { username, password, ...(roles ? { roles } : {}) },
      });
      output(
        json,
        user,
        () => `Created user ${user.username} (${user.id}), roles ${user.roles.join(',') || '-'}.`,
      );
    } else if (action === 'set') {
      const user = await setUser(values, api, oneUser(action, args));
      output(
        json,
        user,
        () =>
          `Changed user ${user.username} (${user.id}): ${user.disabled ? 'disabled' : 'active'}, roles ${user.roles.join(',') || '-'}.\n` +
          'Their sessions are revoked: they sign in again to get the change (their API tokens follow it).',
      );
    } else {
      const user = await findUser(api, oneUser(action, args));
      await confirmOrYes(values, `this deletes user ${user.username} (${user.id}) and ends their sessions`);
      await api.delete('/api/v1/security/users/{id}', { path: { id: user.id } });
      output(
        json,
        { deleted: user.id, username: user.username },
        () => `Deleted user ${user.username} (${user.id}); their sessions are revoked.`,
      );
    }
    return 0;
  },
};
