import { actionError } from '../../action-error.js';
import { ApiError } from '../../api-client.js';
import type { ApiData, ApiOperation } from '../../api-types.js';
import { type Command, UsageError } from '../../command.js';
import { type KernelApi, kernelApi } from '../../kernel-api.js';
import { listingLine } from '../../listing-line.js';
import { namesFlag } from '../../names-flag.js';
import { output } from '../../output.js';
import { inline, terminalSafe } from '../../terminal-safe.js';
import { userNames } from './user-names.js';

const ACTIONS = ['list', 'create', 'revoke'] as const;
type Values = Record<string, string | boolean | undefined>;
type TokenView = ApiData<ApiOperation<'/api/v1/security/tokens', 'get'>>['items'][number];

/** Longest an API token lives, days (the security plugin's API_TOKEN_MAX_DAYS). */
const MAX_DAYS = 366;

/** `--ttl 30d` (or `30`) as whole days: API tokens live whole days. */
function ttlDays(values: Values): number | undefined {
  const v = values.ttl;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(\d{1,3})\s*d?\s*$/.exec(v);
  const days = m ? Number(m[1]) : Number.NaN;
  if (!(days >= 1 && days <= MAX_DAYS))
    throw new UsageError(
      `--ttl takes whole days, 1d–${MAX_DAYS}d, e.g. 30d (got "${v}"); API tokens live whole days`,
    );
  return days;
}

const stateOf = (t: TokenView): string =>
  t.revoked ? 'revoked' : Date.parse(t.expiresAt) <= Date.now() ? 'expired' : 'active';

function tokenTable(tokens: TokenView[], owners?: Map<string, string>): string {
  if (tokens.length === 0)
    return owners ? 'No API tokens.' : 'You have no API tokens (omega tokens create NAME --scope P,…).';
  const id = Math.max(2, ...tokens.map((t) => t.id.length));
  const name = Math.min(32, Math.max(4, ...tokens.map((t) => t.name.length)));
  const row = (cells: string[]) =>
    listingLine([
      { text: cells[0]!, width: id },
      ...(owners ? [{ text: cells[5]!, width: 16, max: 16, ellipsis: true as const }] : []),
      { text: cells[1]!, width: name, max: name, ellipsis: true },
      { text: cells[2]!, width: 7 },
      { text: cells[3]!, width: 20 },
      cells[4]!,
    ]);
  return [
    row(['ID', 'NAME', 'STATE', 'EXPIRES', 'SCOPES', 'OWNER']),
    ...tokens.map((t) =>
      row([
        t.id,
        t.name,
        stateOf(t),
        t.expiresAt.replace(/\.\d{3}Z$/, 'Z'),
        t.scopes.join(','),
        owners?.get(t.userId) ?? t.userId,
      ]),
    ),
  ].join('\n');
}

/**
 * The caller's own tokens live under `/me`, which answers 404 to a caller that is no user (the
 * admin token): say what to do instead of only that.
 */
function notAUser(err: unknown): never {
  if (err instanceof ApiError && err.httpStatus === 404)
    throw new ApiError(
      `${err.message} API tokens belong to a user: sign in as one (omega login --username NAME); omega tokens list --all lists every user's`,
      err.code,
      err.problem,
      err.httpStatus,
    );
  throw err;
}

/**
 * Revokes a token of the caller's (`DELETE /me/tokens/{id}`); one that is not theirs (404) through
 * the admin route (`DELETE /tokens/{id}`, security:admin), whose own 403 or 404 then speaks.
 */
async function revoke(api: KernelApi, id: string): Promise<void> {
  try {
    await api.delete('/api/v1/security/me/tokens/{id}', { path: { id } });
  } catch (mine) {
    if (!(mine instanceof ApiError && mine.httpStatus === 404)) throw mine;
    // Not an admin: "no such token of yours" says more than the admin route's 403.
    await api.delete('/api/v1/security/tokens/{id}', { path: { id } }).catch((err: unknown) => {
      throw err instanceof ApiError && err.httpStatus === 403 ? mine : err;
    });
  }
}

/** `omega tokens …`: API tokens — named, scoped, expiring credentials for scripts and CI. */
export const tokensCommand: Command = {
  name: 'tokens',
  summary: 'API tokens for scripts and CI (named, scoped, expiring): list, create (shown once), revoke.',
  usage: 'omega tokens [list] [--all] | create NAME --scope P,… [--ttl 30d] | revoke ID [--json]',
  options: {
    'data-dir': { type: 'string', description: 'Where to find admin-token (default ./data)' },
    all: {
      type: 'boolean',
      for: ['list'],
      description: "list: every user's tokens, with their owner (security:read)",
    },
    scope: {
      type: 'string',
      list: true,
      for: ['create'],
      description:
        'create: what the token may do, permissions within your own, e.g. nodes:read,sessions:submit',
    },
    ttl: {
      type: 'string',
      for: ['create'],
      description: `create: how long it lives, whole days, 1d–${MAX_DAYS}d (default 30d)`,
    },
    json: { type: 'boolean', description: 'Print JSON' },
  },
  actions: ACTIONS,
  defaultAction: 'list',
  async run(values, positionals) {
    const [action = 'list', ...args] = positionals;
    if (!(ACTIONS as readonly string[]).includes(action)) throw actionError('tokens', action, ACTIONS);
    // Its flags, but for the action's own: a flag of another action is refused, not ignored.
    const json = values.json === true;
    const api = kernelApi(values);
    if (action === 'list') {
      if (args.length) throw new UsageError("tokens list takes no arguments (--all lists every user's)");
      if (values.all === true) {
        const { items } = await api.get('/api/v1/security/tokens');
        const owners = json ? new Map<string, string>() : await userNames(api);
        output(json, { items }, () => tokenTable(items, owners));
      } else {
        const { items } = await api.get('/api/v1/security/me/tokens').catch(notAUser);
        output(json, { items }, () => tokenTable(items));
      }
    } else if (action === 'create') {
      if (args.length !== 1 || !args[0])
        throw new UsageError(
          'tokens create needs exactly one NAME (what the token is for, e.g. "ci deploy")',
        );
      const scopes = namesFlag(values, 'scope');
      if (!scopes) throw new UsageError('tokens create needs --scope P,… (what it may do, e.g. nodes:read)');
      const expiresInDays = ttlDays(values);
      const t = await api
        .post('/api/v1/security/me/tokens', {
          body: { name: args[0], scopes, ...(expiresInDays === undefined ? {} : { expiresInDays }) },
        })
        .catch(notAUser);
      // The secret alone on stdout (TOKEN=$(omega tokens create …)); what it is, on stderr.
      process.stderr.write(
        `omega: created API token ${t.id} ${terminalSafe(inline(JSON.stringify(t.name)))} (${t.scopes.join(',')}), expires ${t.expiresAt}. ` +
          'Its secret is shown only now: keep it (omega login --url URL --token-stdin, or $OMEGA_TOKEN).\n',
      );
      output(json, t, () => t.token);
    } else {
      if (args.length !== 1 || !args[0])
        throw new UsageError('tokens revoke needs exactly one token ID (omega tokens list)');
      await revoke(api, args[0]);
      output(json, { revoked: args[0] }, () => `Revoked API token ${args[0]}.`);
    }
    return 0;
  },
};
