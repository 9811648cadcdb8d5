import { actionError } from '../../action-error.js';
import { ApiError } from '../../api-client.js';
import type { ApiBody, ApiData, ApiOperation } from '../../api-types.js';
import { type Command, UsageError } from '../../command.js';
import { confirmOrYes } from '../../confirm-or-yes.js';
import { type KernelApi, kernelApi } from '../../kernel-api.js';
import { fieldLine, listingLine } from '../../listing-line.js';
import { namesFlag } from '../../names-flag.js';
import { output } from '../../output.js';

const ACTIONS = ['list', 'show', 'create', 'set', 'delete'] as const;
type Values = Record<string, string | boolean | undefined>;
type RoleView = ApiData<ApiOperation<'/api/v1/security/roles', 'post'>>;

const list = (xs: readonly string[]): string => xs.join(',') || '-';
const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

function roleTable(roles: RoleView[]): string {
  const name = Math.min(40, Math.max(4, ...roles.map((r) => r.name.length)));
  const row = (cells: string[]) =>
    listingLine([
      { text: cells[0]!, width: name },
      { text: cells[1]!, width: 8 },
      { text: cells[2]!, width: 36, max: 36, ellipsis: true },
      { text: cells[3]!, width: 16, max: 16, ellipsis: true },
      cells[4]!,
    ]);
  return [
    row(['NAME', 'KIND', 'PERMISSIONS', 'DENIED', 'DESCRIPTION']),
    ...roles.map((r) =>
      row([r.name, r.builtIn ? 'built-in' : 'custom', list(r.permissions), list(r.denied), r.description]),
    ),
  ].join('\n');
}

function roleDetails(r: RoleView): string {
  return [
    listingLine([`${r.name} (${r.builtIn ? 'built-in: fixed' : 'custom'})`]),
    fieldLine('description', r.description || '-'),
    ...(r.permissions.length
      ? r.permissions.map((p) => fieldLine('permits', p))
      : [fieldLine('permits', '-')]),
    ...r.denied.map((p) => fieldLine('denies', p)),
  ].join('\n');
}

/** The role `name` (the API lists roles; it has no GET of one), or a one-line NOT_FOUND. */
async function findRole(api: KernelApi, name: string): Promise<RoleView> {
  const { items } = await api.get('/api/v1/security/roles');
  const role = items.find((r) => r.name === name);
  if (!role)
    throw new ApiError(`no role "${name}" (omega roles list shows them)`, 'OMEGA_ERR_NOT_FOUND', {}, 404);
  return role;
}

function oneName(action: string, args: string[]): string {
  if (args.length !== 1 || !args[0]) throw new UsageError(`roles ${action} needs exactly one role NAME`);
  return args[0];
}

/** What `create` and `set` send: the flags given (`set` keeps what the role has for the rest). */
function roleFields(values: Values, current?: RoleView): ApiBody<'/api/v1/security/roles/{name}', 'put'> {
  const permissions = namesFlag(values, 'permissions');
  const denied = namesFlag(values, 'denied');
  // No description given and none kept: the field is left out (the API takes no empty one; walk).
  const description = str(values.description) ?? (current?.description || undefined);
  return {
    permissions: permissions ?? current?.permissions ?? [],
    denied: denied ?? current?.denied ?? [],
    ...(description === undefined ? {} : { description }),
  };
}

/** `omega roles …`: the security plugin's roles — list, show, create, change, delete custom ones. */
export const rolesCommand: Command = {
  name: 'roles',
  summary: 'Roles (named sets of permissions): list, show; create, change, delete custom ones.',
  usage:
    'omega roles [list] | show NAME | create NAME --permissions P,… [--denied P,…] [--description TEXT] | set NAME [--permissions P,…] [--denied P,…] [--description TEXT] | delete NAME [--yes] [--json]',
  options: {
    'data-dir': { type: 'string', description: 'Where to find admin-token (default ./data)' },
    permissions: {
      type: 'string',
      list: true,
      for: ['create', 'set'],
      description: 'create, set (replaces them): permission patterns, e.g. nodes:read,sessions:*',
    },
    denied: {
      type: 'string',
      list: true,
      for: ['create', 'set'],
      description: 'create, set (replaces them): permission patterns denied (deny beats allow)',
    },
    description: { type: 'string', for: ['create', 'set'], description: 'create, set: what the role is for' },
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
    if (!(ACTIONS as readonly string[]).includes(action)) throw actionError('roles', action, ACTIONS);
    const json = values.json === true;
    const api = kernelApi(values);
    if (action === 'list') {
      if (args.length)
        throw new UsageError('roles list takes no arguments (omega roles show NAME shows one)');
      const { items } = await api.get('/api/v1/security/roles');
      output(json, { items }, () => roleTable(items));
    } else if (action === 'show') {
      const role = await findRole(api, oneName(action, args));
      output(json, role, () => roleDetails(role));
    } else if (action === 'create') {
      const name = oneName(action, args);
      if (namesFlag(values, 'permissions') === undefined)
        throw new UsageError('roles create needs --permissions P,… (e.g. nodes:read,sessions:*)');
      const role = await api.post('/api/v1/security/roles', { body: { ...roleFields(values), name } });
      output(
        json,
        role,
        () => `Created role ${role.name}: permits ${list(role.permissions)}, denies ${list(role.denied)}.`,
      );
    } else if (action === 'set') {
      const name = oneName(action, args);
      if (!['permissions', 'denied', 'description'].some((f) => values[f] !== undefined))
        throw new UsageError('roles set needs at least one of --permissions, --denied, --description');
      // PUT replaces the role: what is not given is sent as the role has it now.
      const role = await api.put('/api/v1/security/roles/{name}', {
        path: { name },
        body: roleFields(values, await findRole(api, name)),
      });
      output(
        json,
        role,
        () =>
          `Changed role ${role.name}: permits ${list(role.permissions)}, denies ${list(role.denied)}.\n` +
          'The sessions of its holders are revoked: they sign in again to get the change.',
      );
    } else {
      const name = oneName(action, args);
      // A built-in role goes straight to the API, which refuses it and says why: nothing to confirm.
      if (!(await findRole(api, name)).builtIn)
        await confirmOrYes(
          values,
          `this deletes role ${name}, takes it off every user holding it and ends their sessions`,
        );
      await api.delete('/api/v1/security/roles/{name}', { path: { name } });
      output(
        json,
        { deleted: name },
        () => `Deleted role ${name}; its holders lost it and their sessions are revoked.`,
      );
    }
    return 0;
  },
};
